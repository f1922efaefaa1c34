"""The sectors (行业领域) Order 11 applies to (应急管理部令第11号 第二条): production and
business units in these sectors, and institutions doing safety evaluation, certification,
testing or inspection with their staff. A unit outside them is not listed under this order."""

from __future__ import annotations

# stored value -> the wording of the article
SECTORS: dict[str, str] = {
    "矿山": "矿山（含尾矿库）",
    "化工": "化工（含石油化工）",
    "医药": "医药",
    "危险化学品": "危险化学品",
    "烟花爆竹": "烟花爆竹",
    "石油开采": "石油开采",
    "冶金": "冶金",
    "有色": "有色",
    "建材": "建材",
    "机械": "机械",
    "轻工": "轻工",
    "纺织": "纺织",
    "烟草": "烟草",
    "商贸": "商贸",
}
INSTITUTION_SECTOR = "安全评价/认证/检测/检验机构"
ARTICLE = "《安全生产严重失信主体名单管理办法》（应急管理部令第11号）第二条"


def sector_for(sector: str, kinds: set[str]) -> tuple[str, str | None]:
    """The sector to record and an error: a unit's sector must be one of the article's;
    institutions (and their staff) are covered as such."""
    sector = (sector or "").strip()
    if "unit" not in kinds:
        if "institution" in kinds:
            return sector if sector in SECTORS else INSTITUTION_SECTOR, None
        if not sector:
            return "", "请选择行业领域（自然人所在单位的行业领域）"
    if not sector:
        return "", "请选择行业领域"
    if sector not in SECTORS:
        return (
            "",
            f"“{sector[:20]}”不属于{ARTICLE}规定的行业领域，不按本办法列入（由其他有关部门依其规定管理）",
        )
    return sector, None
