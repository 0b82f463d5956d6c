"""The people, parties and names of the demo pharmacy in each profile (fictional, realistic)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from stdnum import ean

from pharmacy.domain.profile import Profile
from pharmacy.domain.reference import PrescriptionDetails
from pharmacy.domain.roles import Role
from pharmacy.rules.identifiers import ric_check_char


@dataclass(frozen=True)
class DemoPerson:
    username: str
    full_name: str
    role: Role
    pin: str


@dataclass(frozen=True)
class DemoSite:
    name: str
    licence: str
    address: str
    timezone: str
    suppliers: tuple[tuple[str, str, str, str | None], ...]  # code, name, address, licence/DEA
    prescribers: tuple[tuple[str, str, str, str | None], ...]  # code, name, address, registration/DEA
    patients: tuple[tuple[str, str, str, date, str, str | None], ...]  # code, name, sex, dob, address, id no.
    rx_prefix: str


PEOPLE: dict[str, tuple[DemoPerson, ...]] = {
    "cn": (
        DemoPerson("zhou.min", "周敏", Role.RESPONSIBLE_PHARMACIST, "1111"),
        DemoPerson("li.na", "李娜", Role.PHARMACIST, "2222"),
        DemoPerson("wang.fang", "王芳", Role.PHARMACIST, "3333"),
        DemoPerson("zhao.qiang", "赵强", Role.TECHNICIAN, "4444"),
        DemoPerson("inspector", "钱检查", Role.INSPECTOR, "5555"),
        DemoPerson("admin", "系统管理员", Role.ADMINISTRATOR, "9999"),
    ),
    "en": (
        DemoPerson("rp.shah", "Priya Shah", Role.RESPONSIBLE_PHARMACIST, "1111"),
        DemoPerson("tom.hughes", "Tom Hughes", Role.PHARMACIST, "2222"),
        DemoPerson("amy.clark", "Amy Clark", Role.PHARMACIST, "3333"),
        DemoPerson("sam.tech", "Sam Ortiz", Role.TECHNICIAN, "4444"),
        DemoPerson("inspector", "Irene Inspector", Role.INSPECTOR, "5555"),
        DemoPerson("admin", "Site Admin", Role.ADMINISTRATOR, "9999"),
    ),
}


def _ric(first17: str) -> str:
    """A resident ID number with its right MOD 11-2 check character (fictional people, real-looking numbers)."""
    return first17 + ric_check_char(first17)


_CN_PATIENTS = (
    ("P001", "陈静", "F", date(1970, 3, 7), "杭州市西湖区文三路 88 号", _ric("33010619700307001")),
    ("P002", "刘洋", "M", date(1958, 11, 2), "杭州市上城区解放路 12 号", _ric("33010219581102001")),
    ("P003", "张丽华", "F", date(1949, 5, 21), "宁波市海曙区中山西路 3 号", _ric("33020319490521002")),
    ("P004", "黄建国", "M", date(1963, 8, 30), "杭州市拱墅区湖墅南路 7 号", _ric("33010519630830001")),
    ("P005", "吴晓燕", "F", date(1981, 1, 15), "绍兴市越城区人民中路 51 号", _ric("33060219810115002")),
)
_EN_PATIENTS = (
    ("P001", "Margaret Wilson", "F", date(1946, 4, 12), "14 Park Lane", None),
    ("P002", "David Brown", "M", date(1959, 9, 3), "7 Mill Road", None),
    ("P003", "Aisha Khan", "F", date(1983, 2, 27), "22 Station Street", None),
    ("P004", "John Murphy", "M", date(1971, 12, 1), "3 Church View", None),
    ("P005", "Linda Evans", "F", date(1965, 6, 18), "90 High Street", None),
)

SITES: dict[Profile, DemoSite] = {
    Profile.CN_HOSPITAL: DemoSite(
        "浙江省人民医院门诊药房",
        "浙卫麻字(2024)第0571号",
        "浙江省杭州市上塘路 158 号",
        "Asia/Shanghai",
        (
            ("ZJYY", "浙江英特药业有限责任公司", "杭州市滨江区江南大道 96 号", "浙AA5710003"),
            ("GYKG", "国药控股浙江有限公司", "杭州市拱墅区莫干山路 188 号", "浙AA5710001"),
        ),
        (
            ("D01", "王建华", "浙江省人民医院疼痛科", "110330100012345"),
            ("D02", "林晓", "浙江省人民医院肿瘤内科", "110330100023456"),
            ("D03", "徐明", "浙江省人民医院精神科", "110330100034567"),
        ),
        _CN_PATIENTS,
        "MJ",
    ),
    Profile.CN_RETAIL: DemoSite(
        "杭州老百姓大药房(文三路定点店)",
        "浙CB5710123",
        "浙江省杭州市西湖区文三路 200 号",
        "Asia/Shanghai",
        (("ZJYY", "浙江英特药业有限责任公司", "杭州市滨江区江南大道 96 号", "浙AA5710003"),),
        (
            ("D01", "王建华", "浙江省人民医院疼痛科", "110330100012345"),
            ("D03", "徐明", "杭州市第七人民医院", "110330100034567"),
        ),
        _CN_PATIENTS,
        "JE",
    ),
    Profile.US: DemoSite(
        "Maple Street Pharmacy",
        "DEA FM1234563",
        "1200 Maple St, Columbus, OH 43215",
        "America/New_York",
        (
            ("CARD", "Cardinal Health", "7000 Cardinal Pl, Dublin, OH 43017", "RC0314654"),
            ("MCK", "McKesson Drug Co", "3000 Corporate Exchange Dr, Columbus, OH 43231", "RM0220688"),
        ),
        (
            ("D01", "Dr. Susan Lee", "OSU Wexner Medical Center, Columbus, OH", "BL1234563"),
            ("D02", "Dr. Mark Patel", "Riverside Methodist, Columbus, OH", "BP2345675"),
            ("D03", "Dr. Ellen Ruiz", "Nationwide Children's, Columbus, OH", "BR3456784"),
        ),
        _EN_PATIENTS,
        "RX",
    ),
    Profile.UK: DemoSite(
        "Headingley Community Pharmacy",
        "GPhC 1091234",
        "5 Otley Road, Leeds LS6 3AA",
        "Europe/London",
        (
            ("AAH", "AAH Pharmaceuticals", "Sapphire Court, Coventry CV2 2TX", "WDA(H) 1234"),
            ("ALL", "Alliance Healthcare", "2 The Heights, Weybridge KT13 0NY", "WDA(H) 5678"),
        ),
        (
            ("D01", "Dr Sarah Jones", "Hyde Park Surgery, Leeds LS6 1PS", "GMC 6012345"),
            ("D02", "Dr Imran Ali", "Leeds General Infirmary, Leeds LS1 3EX", "GMC 7023456"),
            ("D03", "Dr Helen Price", "St Gemma's Hospice, Leeds LS17 6QD", "GMC 5034567"),
        ),
        _EN_PATIENTS,
        "CD",
    ),
}


# Fictional GS1 company prefixes in each country's range (690–699 China, 500–509 UK, 0 US), so demo packs scan.
GTIN_PREFIX = {"cn": "6901234", "uk": "5012345", "us": "0312345"}


def demo_gtin(profile: Profile, index: int) -> str:
    """A valid GTIN-13 (GTIN-14 with a leading 0) for the index-th catalogue product."""
    body = GTIN_PREFIX[profile.jurisdiction] + f"{index:05d}"
    return "0" + body + ean.calc_check_digit(body)


def people_for(profile: Profile) -> tuple[DemoPerson, ...]:
    return PEOPLE["cn" if profile.jurisdiction == "cn" else "en"]


def stocked(profile: Profile, cn_class: str, us_schedule: str, uk_schedule: str) -> bool:
    """Which catalogue products this demo pharmacy holds: what its licence lets it keep (CN-1: retail 精二 only)."""
    if profile is Profile.CN_HOSPITAL:
        return bool(cn_class)
    if profile is Profile.CN_RETAIL:
        return cn_class == "psychotropic_2"
    if profile is Profile.US:
        return bool(us_schedule)
    return uk_schedule in ("2", "3")


def valid_dea(sample: str) -> str:
    """The sample's two letters and six digits with the right check digit (DEA numbers are checksummed: US-9)."""
    digits = sample[2:8]
    d = [int(c) for c in digits]
    check = (d[0] + d[2] + d[4] + 2 * (d[1] + d[3] + d[5])) % 10
    return f"{sample[:2]}{digits}{check}"


_UNITS = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
)
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def in_words(n: int) -> str:
    """0–999 in English words, as a UK prescriber writes the total (MDR 2001 reg 15(1)(f))."""
    if n < 20:
        return _UNITS[n]
    if n < 100:
        return _TENS[n // 10] + ("-" + _UNITS[n % 10] if n % 10 else "")
    rest = n % 100
    return _UNITS[n // 100] + " hundred" + (" and " + in_words(rest) if rest else "")


def lawful_details(profile: Profile, class_code: str, units: int) -> PrescriptionDetails:
    """A prescription each pack would accept: the CN form by class and a cancer-pain days' supply (Art.24),
    the UK total in words and the collector recorded (reg 15, reg 19), the US plain (no refills)."""
    if profile.jurisdiction == "cn":
        kind = "psy2" if class_code == "psychotropic_2" else "narcotic_psy1"
        return PrescriptionDetails(
            kind=kind, days_supply=3, dose="按医嘱", diagnosis="癌痛", cancer_or_chronic_pain=True
        )
    if profile is Profile.UK:
        return PrescriptionDetails(
            days_supply=14,
            dose="as directed",
            quantity_in_words=in_words(units),
            collector_type="patient",
            id_requested=True,
            id_provided=True,
        )
    return PrescriptionDetails(days_supply=14, dose="as directed")


def warned_details(profile: Profile, class_code: str, units: int) -> PrescriptionDetails:
    """A prescription its pack warns about but lets through with an override: CN-10 the ordinary form for a
    controlled medicine; UK-7 more than 30 days' supply; US-7 an emergency oral supply whose written
    prescription is overdue."""
    lawful = lawful_details(profile, class_code, units)
    if profile.jurisdiction == "cn":
        return replace(lawful, kind="normal")
    if profile is Profile.UK:
        return replace(lawful, days_supply=35)
    return replace(lawful, kind="emergency")
