"""The input vocabulary of SPEC section 1: every code and its Chinese alias.

Input accepts a code or its alias; output shows both.  This module is the one
place the codes are listed; `kb/` decides what each code means for the notice.

>>> LEVELS.code("技师")
'technician'
>>> LEVELS.alias("technician")
'技师'
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Vocabulary:
    """A closed list of codes, each with its Chinese alias."""

    kind: str
    aliases: dict[str, str]

    def code(self, value: str) -> str | None:
        """The code for a code or an alias, or None when the value is not in the list."""
        if value in self.aliases:
            return value
        for code, alias in self.aliases.items():
            if value == alias:
                return code
        return None

    def alias(self, code: str) -> str:
        return self.aliases.get(code, code)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self.aliases)

    def choices(self) -> list[str]:
        """Codes and aliases, for suggestions."""
        return [*self.aliases, *self.aliases.values()]


LEVELS = Vocabulary(
    "skill level",
    {
        "junior_worker": "初级工",
        "intermediate_worker": "中级工",
        "senior_worker": "高级工",
        "technician": "技师",
        "senior_technician": "高级技师",
    },
)

CERTIFICATE_KINDS = Vocabulary(
    "certificate kind",
    {"vocational_qualification": "职业资格", "skill_level": "职业技能等级"},
)

RANKS = Vocabulary(
    "title rank",
    {
        "junior": "员级",
        "assistant": "助理级",
        "intermediate": "中级",
        "associate_senior": "副高级",
        "full_senior": "正高级",
    },
)

FIELDS = Vocabulary(
    "through-field",
    {
        "engineering": "工程",
        "agriculture": "农业",
        "arts_and_crafts": "工艺美术",
        "cultural_heritage": "文物博物",
        "laboratory": "实验技术",
        "art": "艺术",
        "sports": "体育",
        "technical_school_teaching": "技工院校教师",
    },
)

GRADES = Vocabulary(
    "assessment grade",
    {
        "excellent": "优秀",
        "qualified": "合格",
        "basically_qualified": "基本合格",
        "unqualified": "不合格",
        "pending": "未考核",
        "none": "当年无考核",
    },
)

HONOURS = Vocabulary(
    "honour",
    {
        "worldskills_gold": "世界技能大赛金牌",
        "worldskills_silver": "世界技能大赛银牌",
        "worldskills_bronze": "世界技能大赛铜牌",
        "worldskills_excellence": "世界技能大赛优胜奖",
        "national_contest_gold": "国家级技能大赛金牌",
        "national_contest_silver": "国家级技能大赛银牌",
        "national_contest_bronze": "国家级技能大赛铜牌",
        "national_contest_first_prize": "国家级技能大赛一等奖",
        "national_contest_second_prize": "国家级技能大赛二等奖",
        "national_contest_third_prize": "国家级技能大赛三等奖",
        "national_selection_trial": "世界技能大赛全国选拔赛名次",
        "provincial_contest_gold": "省级技能大赛金牌",
        "provincial_contest_silver": "省级技能大赛银牌",
        "provincial_contest_bronze": "省级技能大赛铜牌",
        "china_skills_award": "中华技能大奖",
        "national_technical_expert": "全国技术能手",
        "regional_technical_expert": "自治区/省级/行业技术能手",
        "national_master_studio_leader": "国家级技能大师工作室领办人",
        "provincial_master_studio_leader": "省级技能大师工作室领办人",
        "state_council_allowance": "享受国务院政府特殊津贴",
    },
)

CONTEST_CLASSES = Vocabulary("contest class", {"i": "一类", "ii": "二类"})

ALLOWANCE_CATEGORIES = Vocabulary(
    "allowance category", {"high_skill": "高技能人才类", "professional": "专业技术人才类"}
)

TRISTATE = {"true": True, "false": False, "unknown": None}

# Inputs that P2.S3.b says may never bar participation: accepted, kept, never decisive.
NEVER_DECISIVE = ("education", "papers", "foreign_language", "computer_skills")
