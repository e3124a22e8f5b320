"""Made-up Chinese names of the synthetic registry's areas (deterministic; not a real place list)."""

from __future__ import annotations

_TOWN_STEMS = ("东湖", "西山", "南塘", "北岭", "青云", "白沙", "梅林", "桃源", "松岗", "柳溪", "石桥", "金田", "长乐",
               "安平", "永和", "新华", "红星", "龙泉", "凤凰", "望江", "清水", "杏花", "双河", "文昌", "兴隆", "丰乐",
               "马鞍", "黄泥", "竹林", "莲塘", "樟树", "枫林", "三里", "五星", "高桥", "大田", "小河", "云岭")
_VILLAGE_STEMS = ("和平", "团结", "光明", "幸福", "胜利", "建设", "朝阳", "前进", "向阳", "友谊", "民主", "丰收",
                  "太平", "富强", "新村", "老街", "河东", "河西", "上屋", "下湾", "中洲", "塘边", "岭背", "田心",
                  "水口", "坪上", "竹园", "茶山", "桥头", "井冈")


def area_name(code: str) -> tuple[str, str]:
    """A made-up name and the level of an area code (deterministic; not a real place list).

    >>> area_name("360102001")
    ('东湖街道', 'township')
    >>> area_name("360102003002")[1]
    'village'
    """
    if len(code) == 2:
        return "江右省", "province"
    if len(code) == 4:
        return _TOWN_STEMS[(int(code[2:]) * 7) % len(_TOWN_STEMS)] + "市", "city"
    if len(code) == 6:
        n = int(code[2:])
        return _TOWN_STEMS[(n * 11 + 3) % len(_TOWN_STEMS)] + ("区" if n % 10 == 2 else "县"), "county"
    if len(code) == 9:
        n = int(code[6:])
        stem = _TOWN_STEMS[((int(code[2:6]) - 102) * 5 + n - 1) % len(_TOWN_STEMS)]
        return stem + ("街道" if n <= 3 else "镇" if n % 3 else "乡"), "township"
    n = int(code[9:])
    stem = _VILLAGE_STEMS[(int(code[6:9]) * 3 + n - 1) % len(_VILLAGE_STEMS)]
    return stem + ("社区" if int(code[6:9]) <= 3 else "村"), "village"
