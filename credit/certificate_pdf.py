"""信用等级证明 as a PDF (reportlab): one A4 page with what the check saw, the grade's explanation as it stood
when the certificate was issued, and the verification code with a QR code of the public verification page.

Chinese is drawn with reportlab's built-in CID font (STSong-Light, an Adobe Asian font every PDF reader
carries), so no font file is shipped and nothing is fetched. The ID number is printed masked, as everywhere."""
from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
_registered = False


def _font() -> str:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


def _qr(url: str, size: float) -> Drawing:
    widget = QrCodeWidget(url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def render(cert, verify_url: str) -> bytes:
    """The certificate's PDF. `verify_url`: the absolute address of its public verification page."""
    font = _font()
    check = cert.grade_check
    resident = check.resident
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4, pageCompression=1)
    pdf.setTitle(_("信用等级证明") + " " + cert.code_display)
    width, height = A4
    left, y = 25 * mm, height - 30 * mm

    pdf.setFont(font, 20)
    pdf.drawCentredString(width / 2, y, _("信用等级证明"))
    y -= 8 * mm
    pdf.setFont(font, 10)
    pdf.drawCentredString(width / 2, y, _("核验码：%(c)s") % {"c": cert.code_display})
    y -= 14 * mm

    rows = [
        (_("姓名"), resident.name),
        (_("身份证号"), resident.id_masked),
        (_("所在地"), str(resident.region)),
        (_("用途"), str(check.purpose)),
        (_("查询时生效等级"), check.grade_seen or _("尚无生效信用等级")),
        (_("所用标准"), str(check.standard_seen) if check.standard_seen_id else "—"),
        (_("适用规则"), check.rule),
        (_("结果"), check.get_result_display()),
        (_("查询单位"), str(check.unit) if check.unit_id else _("乡镇（街道）/村（社区）")),
        (_("出具日期"), timezone.localtime(cert.issued_at).strftime("%Y-%m-%d")),
        (_("有效期至"), cert.valid_until.strftime("%Y-%m-%d")),
    ]
    pdf.setFont(font, 12)
    for label, value in rows:
        pdf.drawString(left, y, f"{label}：")
        pdf.drawString(left + 38 * mm, y, str(value)[:60])
        y -= 8 * mm

    lines = cert.explanation.get("lines") or []
    if lines:
        y -= 4 * mm
        pdf.setFont(font, 13)
        pdf.drawString(left, y, _("等级说明（出具时：%(s)s，总分 %(t)s）") % {
            "s": cert.explanation.get("standard", ""), "t": cert.explanation.get("total", "")})
        y -= 8 * mm
        pdf.setFont(font, 11)
        for line in lines:
            pdf.drawString(left + 4 * mm, y, line["name"])
            pdf.drawRightString(left + 90 * mm, y, _("%(s)s 分") % {"s": line["score"]})
            pdf.drawString(left + 96 * mm, y, _("计入记录 %(n)s 条") % {"n": line["records"]})
            y -= 7 * mm

    qr_size = 32 * mm
    renderPDF.draw(_qr(verify_url, qr_size), pdf, width - 25 * mm - qr_size, 22 * mm)
    pdf.setFont(font, 9)
    note = [
        _("本证明依据村级信用评议结果出具，仅用于上述用途。"),
        _("核验：扫描右侧二维码，或访问 %(u)s 输入核验码。") % {"u": verify_url.rsplit("/", 2)[0] + "/"},
        _("核验页面只显示本证明是否有效，不显示任何个人信息。"),
    ]
    ny = 45 * mm
    for text in note:
        pdf.drawString(left, ny, text)
        ny -= 6 * mm
    pdf.showPage()
    pdf.save()
    return buf.getvalue()
