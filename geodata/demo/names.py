"""Name material for the synthetic population: surnames, given names, street and estate names.

Frequencies are rough shares for Zhejiang with Xinchang's own clans (俞, 吕, 梁, 章, 竺, 石, 潘)
boosted; nothing here is a real person or a real register.
"""

from __future__ import annotations

import numpy as np


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_SURNAME_WEIGHTS = (
    "王7.0 陈6.5 张5.5 李4.0 吴3.5 徐3.3 刘2.5 周2.8 杨2.3 黄2.3 赵1.5 孙1.2 马0.8 朱2.0 胡1.8 郭0.6 "
    "何1.2 高0.8 林1.3 罗0.5 郑1.3 梁2.0 谢0.6 宋0.5 唐0.6 许1.0 韩0.4 冯0.6 邓0.3 曹0.6 彭0.3 曾0.2 "
    "肖0.3 田0.3 董0.9 袁0.9 潘1.4 于0.2 蒋0.9 蔡0.6 余0.8 杜0.4 叶1.2 程0.4 苏0.3 魏0.3 吕2.4 丁1.0 "
    "任0.4 沈1.0 姚0.6 卢0.5 姜0.4 崔0.1 钟0.4 谭0.1 陆0.6 汪0.5 范0.4 金0.9 石1.5 廖0.1 贾0.1 夏0.4 "
    "韦0.1 付0.2 方0.6 白0.1 邹0.2 孟0.2 熊0.1 秦0.2 邱0.3 江0.3 尹0.1 薛0.2 闫0.1 段0.1 雷0.1 侯0.1 "
    "龙0.1 史0.2 陶0.3 黎0.1 贺0.1 顾0.3 毛0.5 郝0.1 龚0.2 邵0.5 万0.2 钱0.4 严0.3 覃0.05 武0.1 戴0.3 "
    "莫0.1 孔0.2 向0.1 汤0.3 俞2.8 章1.3 竺1.1"
)
SURNAMES = np.array([item[0] for item in _SURNAME_WEIGHTS.split()])
SURNAME_P = np.array([float(item[1:]) for item in _SURNAME_WEIGHTS.split()])
SURNAME_P /= SURNAME_P.sum()

# Single-clan villages are common in Xinchang; these are the clans a village may be dominated by.
CLAN_SURNAMES = np.array(list("俞吕梁张王陈石潘丁章竺黄徐杨赵董袁何"))

# Given-name characters by birth era (before 1960, 1960–1989, 1990 on) and gender: fashions differ.
_GIVEN = {
    (0, "M"): "根土木水金福德才财明国荣林生法贤祥忠兴发炳昌海高春仁义孝文友锡樟松",
    (0, "F"): "秀英兰珍芬凤娥仙花梅月娟琴香菊翠玉美招彩云妹宝爱素",
    (1, "M"): "建军国华伟明平强勇斌峰刚辉杰涛波海东林忠卫红新文江飞永立志洪亮",
    (1, "F"): "丽芳红燕霞静敏萍玲娟艳英华琴美芬莉群瑛利慧颖晓雪青",
    (2, "M"): "浩宇轩杰俊涛鑫磊博文泽晨子睿昊然一航天奕辰逸铭豪凯嘉彬翔宸锦",
    (2, "F"): "欣怡佳雨婷梦涵琪晨诗思悦子可妍雪颖馨瑶萱琳钰彤语嘉晓雅璐倩露",
}

RURAL_ROADS = _words(
    "下宅路 上宅路 前山路 后山路 溪滩路 中心街 新街 老街 学堂弄 祠堂弄 桥头路 塘边路 岭下路 大路头 沿溪路 "
    "田畈路 竹林路 茶园路 樟树路 枫树路 里宅路 外宅路 新村路 南山路 北山路 东山路 西山路 下门路 上门路 水口路 "
    "庙前路 岙里路 坑口路 溪边路 山脚路 石板路 井头路 台门路 长塘路 青石路 花园路 文化路 振兴路 和谐路 幸福路"
)
URBAN_ROADS = _words(
    "鼓山中路 鼓山东路 鼓山西路 人民中路 人民东路 人民西路 环城东路 环城南路 环城西路 环城北路 "
    "七星路 江滨东路 江滨西路 新昌大道 沃洲路 南岩路 万丰路 大佛寺路 金溪路 班竹路 兴新路 学前路 "
    "东门路 西门路 南明路 羽林路 芹塘路 嘉和路 峰前路 长沙路 天姥路 智慧路 东岭路 白云路 梅渚路 "
    "青山路 望江路 城东路"
)
_STEM_SUFFIXES = ("路", "街", "东路", "西路", "南路", "北路", "新路", "中路", "后街", "弄")

_ESTATE_PREFIXES = _words(
    "鼓山 七星 南明 沃洲 江滨 锦绣 金都 阳光 翠苑 天姥 大佛 梅渚 新城 东方 世纪 桃源 丽都 金色 芹塘 嘉和 星湖 "
    "锦江 南岩 名仕 澄潭 羽林 鹤鸣 碧水 春晖 怡和 康乐 福泰 和园 悦湖 学府 御景 明珠 城东 城西 溪园 枫林 清风 "
    "玉兰 香樟 紫薇 银杏 长乐 安居"
)
_ESTATE_SUFFIXES = _words(
    "花苑 小区 新村 家园 花园 公寓 名邸 华庭 雅苑 嘉园 公馆 府 苑"
)


def stem(place: str) -> str:
    """The bare place name: 后岸村 → 后岸, 临江社区 → 临江."""
    for suffix in ("社区", "村", "居委会"):
        if place.endswith(suffix) and len(place) > len(suffix) + 1:
            return place[: -len(suffix)]
    return place


def community_name(admin_name: str) -> str:
    """The form used in addresses: 后岸村委会 → 后岸村, 临江社区居委会 → 临江社区, 大塘坑居委会 → 大塘坑社区."""
    if admin_name.endswith("社区居委会"):
        return admin_name[:-3]
    if admin_name.endswith("居委会"):
        return admin_name[:-3] + "社区"
    if admin_name.endswith("村委会"):
        return admin_name[:-2]
    return admin_name


def road_names(rng: np.random.Generator, place: str, n: int, *, urban: bool) -> list[str]:
    """``n`` distinct street names for one village or community; its own name's roads come first."""
    own = [stem(place) + s for s in _STEM_SUFFIXES]
    pool = list(URBAN_ROADS if urban else RURAL_ROADS)
    rng.shuffle(pool)
    names = list(dict.fromkeys([*own[:3], *pool, *own[3:]]))
    while len(names) < n:  # only for absurdly long villages
        names.append(f"{stem(place)}{len(names) + 1}弄")
    picked = names[:n]
    rng.shuffle(picked)
    return picked


def estate_names(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` distinct estate (小区) names, county-wide."""
    combos = [p + s for p in _ESTATE_PREFIXES for s in _ESTATE_SUFFIXES]
    order = rng.permutation(len(combos))
    names = [combos[i] for i in order[:n]]
    phase = 2
    while len(names) < n:  # later phases of existing estates
        names.extend(f"{combos[i]}{'二三四五六七八九'[phase - 2]}期" for i in order[: n - len(names)])
        phase += 1
    return names


def given_names(rng: np.random.Generator, birth_year: np.ndarray, male: np.ndarray) -> np.ndarray:
    """One or two characters drawn from the era's and gender's fashion."""
    n = len(birth_year)
    era = np.digitize(birth_year, [1960, 1990])
    two = rng.random(n) < np.where(era == 1, 0.70, 0.80)
    first = np.empty(n, dtype=object)
    second = np.empty(n, dtype=object)
    for (e, g), chars in _GIVEN.items():
        sel = np.flatnonzero((era == e) & (male == (g == "M")))
        pool = np.array(list(chars))
        first[sel] = pool[rng.integers(0, len(pool), len(sel))]
        second[sel] = pool[rng.integers(0, len(pool), len(sel))]
    second[~two] = ""
    return first + second


def surnames(rng: np.random.Generator, n: int) -> np.ndarray:
    return SURNAMES[rng.choice(len(SURNAMES), size=n, p=SURNAME_P)]
