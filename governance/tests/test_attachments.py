import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from governance.attachments import attachment_add, attachments_of

from .fixtures import make_resident

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


def test_it_stores_an_image_and_serves_it_only_to_those_who_see_its_object(tree, personas, web):
    resident = make_resident(tree.A1g)
    att = attachment_add(actor=personas.village_secretary_a1, target=resident,
                         upload=SimpleUploadedFile("门牌.png", PNG, "image/png"))
    assert att.mime == "image/png" and list(attachments_of(resident)) == [att]
    assert web(personas.village_secretary_a1).get(att.get_absolute_url()).status_code == 200
    assert web(personas.village_secretary_b1).get(att.get_absolute_url()).status_code == 404


def test_it_refuses_a_disguised_file_whatever_its_name(tree, personas):
    resident = make_resident(tree.A1g)
    with pytest.raises(ValidationError, match="不是 JPG、PNG 图片或 PDF"):
        attachment_add(actor=personas.village_secretary_a1, target=resident,
                       upload=SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 this is an exe", "image/jpeg"))
    assert not attachments_of(resident).exists()


def test_it_refuses_an_oversized_file(tree, personas):
    resident = make_resident(tree.A1g)
    big = SimpleUploadedFile("scan.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024 + 1), "application/pdf")
    with pytest.raises(ValidationError, match="过大"):
        attachment_add(actor=personas.village_secretary_a1, target=resident, upload=big)
