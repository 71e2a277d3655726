"""The page's own words, in English and Chinese (SPEC section 9: one language per page).

Everything the knowledge base says (explanations, question texts, decider phrases) comes in the
language asked for from the library; this table holds only the labels of the page itself.
"""

from __future__ import annotations

LANGS = ("zh", "en")

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "app": "pyagent",
        "tagline": "Skills ↔ professional titles: the 2021 Xinjiang notice, answered and explained",
        "nav_person": "One person", "nav_roster": "Roster", "nav_notice": "The notice", "nav_api": "JSON API",
        "switch": "中文", "offline": "Works offline: nothing on this page comes from elsewhere.",
        "person_title": "One person", "paste": "Paste or upload a case (YAML or JSON)",
        "paste_hint": "A case file of SPEC section 2; with several persons, pick one below.",
        "upload": "or a file", "load": "Load the case", "or_form": "or fill in the form",
        "not_stated": "not stated", "none_held": "none", "a_post": "a post",
        "other_field": "another field:", "answer": "Answer", "add_rows": "(a new row appears once the last is filled in)",
        "id": "Id", "as_of": "As of", "certificates": "Certificates", "level": "level", "kind": "kind",
        "obtained": "obtained", "occupation": "occupation", "technical_work": "Periods of technical work",
        "from": "from", "to": "to (blank: ongoing)", "field": "Field of the current post",
        "current_post": "Current post", "since": "since", "annual_assessments": "Annual assessments",
        "year": "year", "grade": "grade", "at_current_post": "at the current post",
        "honours": "Honours", "code": "honour", "class": "contest class", "category": "allowance category",
        "titles": "Professional titles", "rank": "rank", "series": "series",
        "p4s3": "P4.S3 facts", "outstanding_contribution": "outstanding contribution",
        "social_benefit": "social benefit", "economic_benefit": "economic benefit",
        "cumulative_work_years": "Cumulative work years", "never_decisive": "Never decisive (P2.S3.b)",
        "education": "education", "papers": "papers", "foreign_language": "foreign language",
        "computer_skills": "computer skills", "true": "yes", "false": "no", "unknown": "unknown",
        "list_state": "the list", "list_rows": "as in the rows (blank: not stated)",
        "parameters": "Parameters (SPEC section 6)", "readings": "Readings",
        "reading_default": "default", "answers": "Answers", "question": "question", "status": "answer",
        "reason": "reason", "clauses": "clauses", "to_settle": "what would settle it",
        "depends_on": "depends on", "why": "Why?", "why_not": "Why not?", "decides": "What decides it",
        "not_counted": "Not counted (P2.S3.b)", "holds": "holds", "fails": "fails",
        "actual": "actual", "required": "required", "see_above": "(see above)",
        "readings_of": "readings consulted", "what_if": "What if?", "what_if_for": "What would make it yes:",
        "run": "Show", "now": "Now", "already_yes": "Already yes: nothing needs to change.",
        "smallest": "The smallest sets of changes that would make it yes", "set": "set",
        "change": "change", "by_time": "By time alone", "never": "never", "up_to": "up to",
        "from_date": "from", "no_set": "No set of changes in the change model makes it yes by {date}.",
        "no_change": "No change to the person's situation is needed", "later": "No change makes it yes today; with these changes made today it is yes from {date}",
        "still_depends": "still depends on", "more_sets": "There are more sets as small.",
        "flips": "Which answers flip", "flips_hint": "Each reading below, switched from the value in force, and the answers that change.",
        "no_flip": "no answer changes", "apply": "Apply", "in_force": "in force",
        "report": "Download the decision report (HTML)", "errors": "The case has a problem",
        "roster_title": "Roster", "roster_hint": "A CSV or JSONL roster (README, 'CSV rosters'); at most {n} persons and {mb} MB here; larger rosters: pyagent batch.",
        "roster_upload": "Answer the roster", "summary": "Summary", "persons_in": "persons in",
        "answered": "answered", "bad_rows": "rows with errors", "line": "line", "place": "place",
        "message": "message", "person": "person", "page": "page", "prev": "previous", "next": "next",
        "download_csv": "Download CSV (Excel)", "download_jsonl": "Download JSONL",
        "yes": "yes", "no": "no", "seconds": "seconds", "open": "open",
        "notice_title": "The notice, clause by clause", "notice_hint": "Every clause with its text, the rules of the knowledge base that encode it, the readings that touch it and the pinned cases that fix it.",
        "rules": "Rules", "rule_source": "the rule as written in kb/", "pins": "Pinned cases", "not_encoded": "Not encoded",
        "kb_version": "knowledge base", "generated": "generated", "report_title": "Decision report",
        "choose_person": "Person", "api_title": "JSON API", "schemas": "JSON Schemas",
        "bind_note": "", "kind_normative": "normative", "kind_metadata": "metadata",
        "kind_contract": "contract (SPEC)", "kind_not_encoded": "not encoded", "none_yet": "none",
        "expected": "expected", "case": "case",
    },
    "zh": {
        "app": "pyagent",
        "tagline": "技能人才与职称贯通：2021年新疆《通知》的问答与解释",
        "nav_person": "单人查询", "nav_roster": "名单批量", "nav_notice": "《通知》条款", "nav_api": "JSON 接口",
        "switch": "English", "offline": "可离线使用：本页不从外部加载任何内容。",
        "person_title": "单人查询", "paste": "粘贴或上传案例（YAML 或 JSON）",
        "paste_hint": "SPEC 第2节的案例文件；含多人时，请在下方选择一人。",
        "upload": "或上传文件", "load": "读取案例", "or_form": "或填写表单",
        "not_stated": "未注明", "none_held": "无", "a_post": "有岗位",
        "other_field": "其他领域：", "answer": "查询", "add_rows": "（填满最后一行后会出现新的一行）",
        "id": "编号", "as_of": "查询日", "certificates": "证书", "level": "等级", "kind": "类别",
        "obtained": "取得日期", "occupation": "职业（工种）", "technical_work": "从事技术技能工作的期间",
        "from": "起", "to": "止（空：至今）", "field": "现岗位所属领域",
        "current_post": "现工作岗位", "since": "起始日期", "annual_assessments": "年度考核",
        "year": "年度", "grade": "结果", "at_current_post": "是否在现岗位",
        "honours": "荣誉", "code": "荣誉", "class": "赛事类别", "category": "津贴类别",
        "titles": "职称", "rank": "级别", "series": "系列",
        "p4s3": "第四段第三句（特殊人才）", "outstanding_contribution": "有突出贡献",
        "social_benefit": "带来社会效益", "economic_benefit": "带来经济效益",
        "cumulative_work_years": "累计工作年限", "never_decisive": "不作为限制性条件（P2.S3.b）",
        "education": "学历", "papers": "论文", "foreign_language": "外语",
        "computer_skills": "计算机", "true": "是", "false": "否", "unknown": "未知",
        "list_state": "整体", "list_rows": "按下列各行（空：未注明）",
        "parameters": "参数（SPEC 第6节）", "readings": "读法",
        "reading_default": "默认", "answers": "答案", "question": "问题", "status": "答案",
        "reason": "理由", "clauses": "条款", "to_settle": "需补充的材料",
        "depends_on": "取决于", "why": "为什么？", "why_not": "为什么不？", "decides": "取决于",
        "not_counted": "不作为限制性条件（P2.S3.b）", "holds": "成立", "fails": "不成立",
        "actual": "实际", "required": "要求", "see_above": "（见上文）",
        "readings_of": "所依读法", "what_if": "假如……？", "what_if_for": "怎样才能为“是”：",
        "run": "查看", "now": "现在", "already_yes": "已经是“是”：无需任何改变。",
        "smallest": "使答案为“是”的最少变化", "set": "组",
        "change": "变化", "by_time": "仅凭时间", "never": "永远不会", "up_to": "至",
        "from_date": "自", "no_set": "到 {date} 为止，变化模型中的任何变化组合都不能使答案为“是”。",
        "no_change": "无需改变本人情况", "later": "今天的任何变化都不够；今天做出以下变化，自 {date} 起为“是”",
        "still_depends": "仍取决于", "more_sets": "还有更多同样小的组合。",
        "flips": "哪些答案会改变", "flips_hint": "下列每种读法改为另一取值时，会改变的答案。",
        "no_flip": "没有答案改变", "apply": "应用", "in_force": "当前",
        "report": "下载决定报告（HTML）", "errors": "案例有问题",
        "roster_title": "名单批量", "roster_hint": "CSV 或 JSONL 名单（见 README“CSV rosters”）；本页最多 {n} 人、{mb} MB；更大的名单请用 pyagent batch。",
        "roster_upload": "批量查询", "summary": "汇总", "persons_in": "输入人数",
        "answered": "已回答", "bad_rows": "有错误的行", "line": "行", "place": "位置",
        "message": "说明", "person": "人员", "page": "页", "prev": "上一页", "next": "下一页",
        "download_csv": "下载 CSV（Excel）", "download_jsonl": "下载 JSONL",
        "yes": "是", "no": "否", "seconds": "秒", "open": "打开",
        "notice_title": "《通知》逐条", "notice_hint": "每一条款的原文、知识库中编码它的规则、涉及它的读法，以及固定其解释的案例。",
        "rules": "规则", "rule_source": "kb/ 中的规则原文", "pins": "固定案例", "not_encoded": "未编码",
        "kb_version": "知识库版本", "generated": "生成于", "report_title": "决定报告",
        "choose_person": "人员", "api_title": "JSON 接口", "schemas": "JSON Schema",
        "bind_note": "", "kind_normative": "规范性", "kind_metadata": "元数据",
        "kind_contract": "约定（SPEC）", "kind_not_encoded": "未编码", "none_yet": "无",
        "expected": "预期", "case": "案例",
    },
}

STATUS = {"en": {"yes": "yes", "no": "no", "unknown": "unknown"},
          "zh": {"yes": "是", "no": "否", "unknown": "未知"}}

# What-if change kinds (pyagent.explain.whatif.Change.kind), as the page words them.
CHANGES = {
    "certificate": ("obtain a skill certificate (职业技能等级) today, of level", "今日取得职业技能等级证书，等级"),
    "grade": ("receive the {year} annual assessment grade", "{year}年度考核获得"),
    "field": ("move to a post in a through-field", "转到贯通领域的岗位"),
    "post": ("hold a post with a stated occupation (工种)", "在职业（工种）明确的岗位上工作"),
    "honour": ("receive an honour P4.S2 counts", "获得第四段所列荣誉"),
    "contribution": ("make an outstanding contribution (有突出贡献)", "有突出贡献"),
    "social_benefit": ("bring social benefit (社会效益)", "带来社会效益"),
    "economic_benefit": ("bring economic benefit (经济效益)", "带来经济效益"),
    "title": ("obtain a professional title today, of rank", "今日取得职称，级别"),
}


def pick_lang(query: str | None, cookie: str | None, accept: str | None) -> str:
    """The language of a page: asked for, then remembered, then the browser's wish
    (zh when Accept-Language prefers Chinese), else English."""
    for given in (query, cookie):
        if given in LANGS:
            return given
    best, best_q = "en", -1.0
    for part in (accept or "").split(","):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        lang = tag.strip().lower().split("-")[0]
        if lang in LANGS and q > best_q:
            best, best_q = lang, q
    return best
