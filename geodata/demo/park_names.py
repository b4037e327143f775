"""Reference material for the park: GB/T 4754-2017 classes of the county's industry chains, company
name parts, traded materials and project products.

The classes are real (code and name as in GB/T 4754-2017); the chain grouping and the weights are
this generator's; every company name is invented (known Xinchang trade names are excluded).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

GB4754 = "GB/T 4754-2017"


@dataclass(frozen=True)
class IndustryClass:
    code: str
    name: str
    chain: str
    position: str  # upstream / midstream / downstream
    weight: float  # share of the chain's enterprises
    words: tuple[str, ...]  # business words used in company names


def _c(code: str, name: str, chain: str, position: str, weight: float, words: str) -> IndustryClass:
    return IndustryClass(code, name, chain, position, weight, tuple(words.split()))


INDUSTRY_CLASSES: tuple[IndustryClass, ...] = (
    _c("3130", "钢压延加工", "bearings", "upstream", 0.06, "特钢 钢管 精密钢材"),
    _c("3391", "黑色金属铸造", "bearings", "upstream", 0.06, "铸造 精密铸造"),
    _c("3393", "锻件及粉末冶金制品制造", "bearings", "upstream", 0.08, "锻造 粉末冶金"),
    _c("3451", "滚动轴承制造", "bearings", "midstream", 0.45, "轴承 精密轴承 轴承制造"),
    _c("3452", "滑动轴承制造", "bearings", "midstream", 0.08, "滑动轴承 自润滑轴承"),
    _c("3484", "机械零部件加工", "bearings", "midstream", 0.17, "机械配件 轴承配件 精工机械"),
    _c("3453", "齿轮及齿轮减、变速箱制造", "bearings", "downstream", 0.06, "齿轮 传动机械 减速机"),
    _c("3459", "其他传动部件制造", "bearings", "downstream", 0.04, "传动部件 联轴器"),
    _c("3392", "有色金属铸造", "auto_parts", "upstream", 0.15, "铝业 压铸"),
    _c("2913", "橡胶零件制造", "auto_parts", "upstream", 0.10, "橡塑 密封件"),
    _c("3670", "汽车零部件及配件制造", "auto_parts", "midstream", 0.65, "汽车部件 汽配 汽车零部件"),
    _c("3660", "汽车车身、挂车制造", "auto_parts", "downstream", 0.07, "专用车 车身"),
    _c("3612", "新能源车整车制造", "auto_parts", "downstream", 0.03, "新能源汽车"),
    _c("2614", "有机化学原料制造", "pharma", "upstream", 0.15, "化工 精细化工"),
    _c("2780", "药用辅料及包装材料制造", "pharma", "upstream", 0.10, "药用包装 药用辅料"),
    _c("2710", "化学药品原料药制造", "pharma", "midstream", 0.35, "药业 制药 医药化工"),
    _c("2761", "生物药品制造", "pharma", "midstream", 0.08, "生物制药 生物科技"),
    _c("2720", "化学药品制剂制造", "pharma", "downstream", 0.17, "制药 药业"),
    _c("2740", "中成药生产", "pharma", "downstream", 0.07, "中药 药业"),
    _c("2770", "卫生材料及医药用品制造", "pharma", "downstream", 0.05, "医疗用品 卫生材料"),
    _c("5151", "西药批发", "pharma", "downstream", 0.03, "医药"),
    _c("0164", "茶叶种植", "tea", "upstream", 0.25, "茶场 生态茶园"),
    _c("1530", "精制茶加工", "tea", "midstream", 0.50, "茶业 茶叶"),
    _c("1529", "茶饮料及其他饮料制造", "tea", "downstream", 0.10, "饮品 茶饮料"),
    _c("5127", "酒、饮料及茶叶批发", "tea", "downstream", 0.15, "茶业贸易 茶叶市场"),
    _c("3425", "机床功能部件及附件制造", "machinery", "upstream", 0.25, "机床附件 数控"),
    _c("3443", "阀门和旋塞制造", "machinery", "midstream", 0.20, "阀门 阀业"),
    _c("3421", "金属切削机床制造", "machinery", "midstream", 0.30, "机床 数控机床"),
    _c("3464", "制冷、空调设备制造", "machinery", "downstream", 0.25, "制冷 制冷设备 空调配件"),
    _c("3551", "纺织专用设备制造", "textile", "upstream", 0.35, "纺织机械 纺机"),
    _c("1711", "棉纺纱加工", "textile", "midstream", 0.25, "纺织 棉纺"),
    _c("1751", "化纤织造加工", "textile", "midstream", 0.25, "化纤 织造"),
    _c("1819", "其他机织服装制造", "textile", "downstream", 0.15, "服饰 制衣"),
    _c("3985", "电子专用材料制造", "electronics", "upstream", 0.15, "电子材料"),
    _c("3982", "电子电路制造", "electronics", "midstream", 0.25, "电路 线路板"),
    _c("3983", "敏感元件及传感器制造", "electronics", "midstream", 0.30, "传感器 传感技术"),
    _c("3989", "其他电子元件制造", "electronics", "midstream", 0.15, "电子 电子科技"),
    _c("3813", "微特电机及组件制造", "electronics", "downstream", 0.15, "电机 微电机"),
)
CLASS_BY_CODE = {c.code: c for c in INDUSTRY_CLASSES}

CHAINS = ("bearings", "auto_parts", "pharma", "machinery", "electronics", "textile", "tea")
PARK_CHAIN_P = (0.35, 0.20, 0.15, 0.12, 0.08, 0.05, 0.05)
TOWN_CHAIN_P = (0.30, 0.10, 0.05, 0.15, 0.05, 0.15, 0.20)


@dataclass(frozen=True)
class ChainEconomics:
    median_output_wan: float
    output_per_employee_wan: float
    tax_rate: float
    tce_per_wan: float  # energy intensity
    electricity_share: float  # of energy (rest natural gas)
    water_t_per_wan: float


ECONOMICS = {
    "bearings": ChainEconomics(4000, 90, 0.035, 0.045, 0.85, 0.6),
    "auto_parts": ChainEconomics(5000, 110, 0.040, 0.035, 0.85, 0.5),
    "pharma": ChainEconomics(8000, 250, 0.070, 0.060, 0.55, 3.0),
    "machinery": ChainEconomics(3500, 100, 0.040, 0.030, 0.85, 0.5),
    "electronics": ChainEconomics(3000, 120, 0.045, 0.020, 0.90, 0.8),
    "textile": ChainEconomics(2500, 70, 0.030, 0.080, 0.70, 4.0),
    "tea": ChainEconomics(800, 60, 0.025, 0.050, 0.60, 1.5),
}

# Month-of-year activity (Jan … Dec): the Spring Festival dip, the year-end rush; tea follows the
# spring picking season.
SEASON = {
    "default": np.array([0.85, 0.62, 0.98, 1.00, 1.03, 1.06, 1.02, 0.98, 1.05, 0.97, 1.08, 1.16]),
    "tea": np.array([0.35, 0.45, 1.60, 2.60, 1.80, 0.90, 0.70, 0.65, 0.75, 0.80, 0.70, 0.70]),
}

# Characters for two-character trade names (字号).
_TRADE_CHARS = ("恒鑫宏泰瑞华昌盛丰隆兴通明嘉锦宇金天博卓精创力海永中德信汇正捷立"
                "顺安康源美良欣佳凯诚开升腾飞远祥福利云辉光林峰")
_EXCLUDED = {"万丰", "捷昌", "三花", "京新", "日发", "五洲", "天成", "正泰", "海天"}


def trade_names(rng: np.random.Generator) -> list[str]:
    chars = list(_TRADE_CHARS)
    combos = [a + b for a in chars for b in chars if a != b and a + b not in _EXCLUDED]
    return [combos[i] for i in rng.permutation(len(combos))]


def company_name(rng: np.random.Generator, trade: str, code: str, large: bool) -> str:
    words = CLASS_BY_CODE[code].words
    word = words[int(rng.integers(0, len(words)))]
    if large:
        prefix = "浙江" if rng.random() < 0.8 else "新昌"
        form = "股份有限公司" if rng.random() < 0.7 else "集团有限公司"
    else:
        r = rng.random()
        prefix = "新昌县" if r < 0.75 else ("浙江" if r < 0.9 else "绍兴")
        form = "有限公司"
    return f"{prefix}{trade}{word}{form}"


def short_name(name: str) -> str:
    """The trade name plus business word: 新昌县恒达轴承有限公司 → 恒达轴承."""
    for prefix in ("新昌县", "浙江", "新昌", "绍兴"):
        if name.startswith(prefix):
            name = name[len(prefix):]
            break
    for form in ("股份有限公司", "集团有限公司", "有限公司"):
        if name.endswith(form):
            return name[: -len(form)]
    return name


@dataclass(frozen=True)
class Material:
    name: str
    sellers: tuple[str, ...]  # industry codes
    buyers: tuple[str, ...]
    price_wan_per_t: float
    median_t: float
    weight: float


def _m(name: str, sellers: str, buyers: str, price: float, median_t: float, weight: float) -> Material:
    return Material(name, tuple(sellers.split()), tuple(buyers.split()), price, median_t, weight)


MATERIALS: tuple[Material, ...] = (
    _m("轴承钢", "3130", "3451 3452 3393", 0.55, 60, 12),
    _m("钢材", "3130", "3484 3453 3670 3421 3551 3464 3443", 0.45, 40, 10),
    _m("锻件", "3393", "3451 3452 3453 3459", 0.90, 20, 9),
    _m("铸件", "3391 3392", "3670 3421 3464 3443 3551 3453", 0.80, 15, 8),
    _m("轴承套圈", "3484", "3451 3452", 1.60, 10, 8),
    _m("成品轴承", "3451 3452", "3670 3453 3421 3464 3551 3813 3459", 4.0, 5, 12),
    _m("齿轮及减速器", "3453", "3670 3421 3551", 3.0, 4, 4),
    _m("汽车零部件", "3670", "3612 3660", 4.0, 8, 5),
    _m("橡胶密封件", "2913", "3670 3443 3464", 2.5, 2, 3),
    _m("有机化学原料", "2614", "2710 2761", 1.5, 30, 5),
    _m("医药中间体", "2614 2710", "2710 2720", 12.0, 3, 6),
    _m("原料药", "2710 2761", "2720 2740 5151", 40.0, 0.8, 6),
    _m("药用包装材料", "2780", "2720 2740 2770 1530 1529", 1.8, 5, 4),
    _m("茶青", "0164", "1530", 6.0, 3, 4),
    _m("毛茶", "1530", "1530 5127 1529", 12.0, 1.5, 3),
    _m("电子元器件", "3982 3983 3985 3989", "3670 3421 3464 3813 3551", 20.0, 0.5, 4),
    _m("纱线", "1711", "1751", 2.5, 10, 2),
    _m("坯布", "1751", "1819", 3.5, 5, 2),
    _m("废钢", "3451 3670 3484 3421", "3130 3391", 0.28, 20, 3),
)

EXTERNAL_BUYERS = (
    "杭州市某汽车零部件有限公司", "宁波某精密机械有限公司", "上海某医药贸易有限公司", "台州某制药有限公司",
    "嵊州市某电机有限公司", "绍兴市柯桥区某纺织有限公司", "苏州某自动化设备有限公司", "义乌市某茶叶商行",
)

PROJECT_PRODUCTS = {
    "bearings": ("高端精密轴承", "新能源汽车轴承", "风电轴承", "机器人精密减速器轴承", "轴承智能化改造"),
    "auto_parts": ("新能源汽车热管理部件", "汽车空调控制阀", "汽车制动系统零部件", "一体化压铸件"),
    "pharma": ("原料药绿色制造", "高端制剂", "生物医药研发中心", "维生素系列原料药", "制剂国际化"),
    "machinery": ("智能数控机床", "制冷控制元件", "高端阀门"),
    "electronics": ("高精度传感器", "汽车电子", "微特电机"),
    "textile": ("高档面料智能化改造", "纺织机械数字化车间"),
    "tea": ("名优茶精深加工", "茶饮料生产线"),
}
PROJECT_UNITS = {"bearings": "万套", "auto_parts": "万件", "pharma": "吨", "machinery": "台",
                 "electronics": "万只", "textile": "万米", "tea": "吨"}
