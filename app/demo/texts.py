"""Sentences for the demo's descriptions, as employers and candidates write them.

Faker's zh_CN sentences are random words ("如何今天项目一起为什么介绍。"), which a visitor
reads as a broken page. These are drawn from a random generator of their own, so the rest
of the demo data does not change with them.
"""

from __future__ import annotations

import random

DUTIES = [
    "按公司流程完成日常工作，保证质量和进度",
    "做好工作记录和交接，及时向主管反馈问题",
    "配合主管完成临时安排的任务",
    "遵守安全操作规程，爱护设备和工具",
    "参加班组例会和岗位培训，提出改进建议",
    "与同事协作，按时完成团队目标",
    "整理岗位相关资料，做好台账管理",
    "接待客户咨询，跟进并处理客户反馈",
]

EMPLOYER_OPENINGS = [
    "公司成立于{year}年，现有员工{staff}余人，业务覆盖湖北及周边省份。",
    "我们是一家扎根武汉的民营企业，成立于{year}年，坚持诚信经营、以人为本。",
    "公司{year}年在武汉注册成立，目前有员工{staff}余人，是区里的重点复工复产企业。",
]

EMPLOYER_PROMISES = [
    "公司重视员工培养，提供岗前培训和清晰的晋升通道。",
    "疫情期间坚持线上招聘、视频面试，复工后为返岗员工安排接送。",
    "实行标准工时，工资按时足额发放，节假日有福利。",
    "欢迎应届毕业生和返乡务工人员加入。",
]

SEEKER_TRAITS = [
    "工作认真负责，能吃苦耐劳，服从安排。",
    "沟通能力强，适应快，愿意学习新东西。",
    "做事细心，有团队合作精神。",
    "身体健康，能接受倒班。",
]

SEEKER_HOPES = [
    "希望找一份稳定的工作，长期发展。",
    "希望离家近一些，可以尽快到岗。",
    "可以接受视频面试，随时可以入职。",
]


class DemoTexts:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def duties(self, title: str) -> list[str]:
        return [f"负责{title}相关工作", *self.rng.sample(DUTIES, 2)]

    def employer(self) -> str:
        opening = self.rng.choice(EMPLOYER_OPENINGS).format(
            year=self.rng.randint(1998, 2018), staff=self.rng.choice([30, 50, 80, 120, 300, 600])
        )
        return opening + "".join(self.rng.sample(EMPLOYER_PROMISES, 2))

    def resume_summary(self, title: str, years: int, skills: list[str]) -> str:
        experience = f"{years}年{title}工作经验" if years else f"想从事{title}工作"
        return (
            f"{experience}，熟悉{'、'.join(skills[:3])}。"
            + self.rng.choice(SEEKER_TRAITS)
            + self.rng.choice(SEEKER_HOPES)
        )

    def resume_summary_en(self, headline: str, years: int, skills: list[str]) -> str:
        role = f" as a {headline}" if headline.isascii() else ""  # some have no English name
        experience = f"{years} years of work{role}" if years else f"Looking for a first job{role}"
        tools = [skill for skill in skills if skill.isascii()][:3]  # the rest are Chinese
        return (
            experience
            + (f", working with {', '.join(tools)}. " if tools else ". ")
            + self.rng.choice(["Reliable and careful. ", "Quick to learn, good with people. "])
            + self.rng.choice(["Can start at once.", "Happy to interview by video."])
        )

    def past_work(self, title: str, skills: list[str]) -> str:
        return f"负责{title}相关工作，{self.rng.choice(DUTIES)}；常用{'、'.join(skills[:2])}。"
