"""The default 信用七条, shipped as version 1 (a data migration loads it; the demo and tests reuse it)."""
import datetime as dt

V1_EFFECTIVE = dt.date(2024, 1, 1)
V1 = {
    "version": 1,
    "name": "农村“信用七条”评价标准",
    "effective_from": V1_EFFECTIVE,
    "record_valid_days": 1095,  # three years
    "notice_days": 7,
    "household_rule": "lowest",
    # Seven criteria at base 10 (0–20): a villager with no records totals 70, grade A (守信).
    "thresholds": {"aaa": 90, "aa": 80, "a": 70, "b": 60},
    "criteria": [
        {"code": "law", "name": "遵纪守法", "base": 10, "floor": 0, "ceiling": 20, "record_types": [
            {"name": "见义勇为、协助破案", "points": 5},
            {"name": "治安违法受到处罚", "points": -5},
            {"name": "违法犯罪受到刑事处罚", "points": -10},
        ]},
        {"code": "contract", "name": "诚信履约", "base": 10, "floor": 0, "ceiling": 20, "record_types": [
            {"name": "按期还贷、守约履约", "points": 3},
            {"name": "拖欠贷款、恶意逃债", "points": -8},
            {"name": "被列为失信被执行人", "points": -10},
        ]},
        {"code": "filial", "name": "孝老爱亲", "base": 10, "floor": 0, "ceiling": 20, "record_types": [
            {"name": "评为孝老爱亲模范、好媳妇", "points": 5},
            {"name": "不履行赡养义务", "points": -8},
            {"name": "家庭暴力", "points": -8},
        ]},
        {"code": "neighbour", "name": "邻里和睦", "base": 10, "floor": 0, "ceiling": 20, "record_types": [
            {"name": "主动调解邻里矛盾", "points": 3},
            {"name": "挑起邻里纠纷", "points": -3},
        ]},
        {"code": "customs", "name": "移风易俗", "base": 10, "floor": 0, "ceiling": 20, "record_types": [
            {"name": "婚事新办、丧事简办", "points": 3},
            {"name": "大操大办、索要高价彩礼", "points": -5},
            {"name": "参与赌博、封建迷信活动", "points": -5},
        ]},
        {"code": "hygiene", "name": "环境卫生", "base": 10, "floor": 0, "ceiling": 20, "record_types": [
            {"name": "评为美丽庭院", "points": 3},
            {"name": "乱堆乱放、乱倒垃圾", "points": -2},
        ]},
        {"code": "public", "name": "热心公益", "base": 10, "floor": 0, "ceiling": 20, "record_types": [
            {"name": "捐资捐物、无偿献血", "points": 3},
            {"name": "参加志愿服务", "points": 2},
            {"name": "拒不参加村集体公益事务", "points": -2},
        ]},
    ],
}

CHECK_PURPOSES = [
    ("enlist", "参军", "A"),
    ("party", "入党", "AA"),
    ("loan", "贷款", "A"),
    ("jiasao", "家嫂推荐", "B"),
]


def ensure_defaults() -> None:
    """Load version 1 and the check purposes if missing (as the data migration does). Tests call it:
    a transactional test's flush empties tables that migrations filled."""
    from .models import CheckPurpose, Criterion, RecordType, Standard

    if not Standard.objects.filter(version=1).exists():
        t = V1["thresholds"]
        std = Standard.objects.create(
            version=1, name=V1["name"], effective_from=V1["effective_from"], record_valid_days=V1["record_valid_days"],
            notice_days=V1["notice_days"], household_rule=V1["household_rule"],
            aaa_min=t["aaa"], aa_min=t["aa"], a_min=t["a"], b_min=t["b"])
        for c in V1["criteria"]:
            crit = Criterion.objects.create(standard=std, code=c["code"], name=c["name"], base=c["base"],
                                            floor=c["floor"], ceiling=c["ceiling"])
            RecordType.objects.bulk_create([RecordType(criterion=crit, **rt) for rt in c["record_types"]])
    for code, name, grade in CHECK_PURPOSES:
        CheckPurpose.objects.get_or_create(code=code, defaults={"name": name, "min_grade": grade})
