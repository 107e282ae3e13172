"""党务公开 documents going public (三(一)2 执行, 4 再公开) and the reply to a person (谁收集、谁回复).

- The announcement (公示 when opinions are invited, else 通知/公告 as [disclosure] plain_kind says),
  GB/T 9704, with its own 文号 series ([disclosure] code, 党公〔2026〕1号). 先党内、后党外: an item
  whose 公开范围 is 全体教职工 or 社会 is first announced to 全体党员 (党内公开日期, 党内公开截止日期);
  the outside announcement (公开日期, 公开截止日期) waits for the working day after 党内公开日期
  unless ``--skip-inner "理由"`` records why. Items limited to 党政领导干部 or 全体党员 get one
  announcement to that scope, which sets both pairs of dates alike.
- 公示期: working days counted from the 成文日期 (today, or the next working day), first day
  included; refused, not guessed, when it runs past the working-day calendar's data (``--until``).
- The body is the item's own document under 公开内容/ (GK-2026-001.docx merged in whole, or .txt/.md),
  else 公开内容摘要.
- Public documents show no machine code: their identity lives in the document properties.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import click

from ...dates import cn_date, parse_date, today
from ...errors import UsageError
from ...forms.compose import MARKER, TEXT_SUFFIXES, check_body, text_paragraphs
from ...forms.template import docx_paragraphs
from ...ledger.workbook import ChangeContext, Ledger, Row
from ...workdays import WorkCalendar
from ..numbering import wanted_numbers
from ..units import Units
from .outgoing import channels
from .rules import APPROVED, NO_REDISCLOSURE, approval_of, office
from .sheets import DISCLOSURE, FEEDBACK, INNER_SCOPES

INNER, PUBLIC, AGAIN, REPLY_ROLE = "党内公开", "公开", "再公开", "答复"
INNER_ADDRESSEE = "全体党员"
BODY_FOLDER = "公开内容"  # the workspace folder holding each item's own text: 公开内容/GK-2026-001.docx
NUMBER_FIELD = "公告文号"  # journal field recording each announcement's 文号
SKIP_FIELD = "跳过党内公开"
SALUTATIONS = {"党政领导干部": "校党政领导干部：", "全体党员": "全体党员：", "全体教职工": "全校教职工：", "社会": ""}
CN_NUMERALS = "一二三四五六七八九十"

ANNOUNCEMENT_OPTIONS = (
    click.Option(["--until"], metavar="日期", help="公示期的最后一天（如 2027-01-08）；公示期超出节假日数据范围时必须给出。"),
    click.Option(["--days"], type=int, metavar="天数", help="公示期（工作日），默认取 dangwu.toml 中设置的公示期（5 个工作日）。"),
    click.Option(
        ["--skip-inner", "skip_inner"], metavar="理由", help="不先在党内公开、直接对外公开，须写明理由（记入变更记录；须与 --id 同用）。"
    ),
    click.Option(
        ["--no-opinions", "no_opinions"], is_flag=True, help="不征求意见：文种用通知（或 dangwu.toml 中设置的公告），不印公示期和反馈渠道。"
    ),
)


# ---- settings and small helpers


def _section(settings) -> dict:
    return settings.section("disclosure") if settings is not None else {}


def doc_code(settings) -> str:
    """The 机关代字 of the announcement series: [disclosure] code, default 党公."""
    return str(_section(settings).get("code", "党公"))


def period_days(settings) -> int:
    """The default 公示期 in working days: [disclosure] period_days, default 5."""
    try:
        return max(1, int(_section(settings).get("period_days", 5)))
    except (TypeError, ValueError):
        return 5


def plain_kind(settings) -> str:
    """文种 of an announcement inviting no opinions: [disclosure] plain_kind (通知 or 公告), default 通知."""
    kind = str(_section(settings).get("plain_kind", "通知"))
    return kind if kind in ("通知", "公告") else "通知"


def span_text(start: dt.date, end: dt.date, days: int | None) -> str:
    """2026年12月3日至12月9日（5个工作日）; the year repeated only when it changes."""
    tail = f"{end.month}月{end.day}日" if end.year == start.year else cn_date(end)
    count = f"（{days}个工作日）" if days else ""
    return f"{cn_date(start)}至{tail}{count}"


def core_of(matter: str) -> str:
    """The matter without a leading 关于 or a trailing (的)公示/通知/公告: 拟发展党员公示 → 拟发展党员."""
    core = matter.strip()
    if core.startswith("关于"):
        core = core[2:]
    return re.sub(r"(的)?(公示|通知|公告)$", "", core) or matter.strip()


def title_of(matter: str, kind: str) -> str:
    """关于……的公示 / 通知 / 公告, without doubling a 公示 the matter already names."""
    return f"关于{core_of(matter)}的{kind}"


TITLE_LINE = 40  # a title line in 2号 (22 pt) across the 156 mm type area: 20 Chinese characters (width 2 each)


def balanced(title: str, width: int = TITLE_LINE) -> str:
    """A long title broken into lines of near-equal length (GB/T 9704: no word or two left alone on the
    last line), never inside a run of digits or Latin letters; a short one as it is."""
    from ...textwidth import text_width

    total = text_width(title)
    if total <= width:
        return title
    lines = -(-total // width)
    out, start, used = [], 0, 0
    for k in range(1, lines):
        target = total * k / lines
        best, best_gap = None, None
        for i in range(start + 1, len(title)):
            before = text_width(title[:i])
            if before > width * k or (title[i - 1].isascii() and title[i - 1].isalnum() and title[i].isascii() and title[i].isalnum()):
                continue
            gap = abs(before - target) - (3 if title[i - 1] in "的于况度年期项和与及" else 0)  # a natural break
            if best_gap is None or gap < best_gap:
                best, best_gap = i, gap
        if best is None:
            return title
        out.append(title[start:best])
        start = best
        used = best
    out.append(title[used:])
    return "\n".join(out)


def body_source(ws, number: str) -> Path | None:
    """The item's own text under 公开内容/: GK-2026-001.docx, else .txt, else .md (None: use 公开内容摘要)."""
    if ws is None or not number:
        return None
    folder = Path(ws.root) / BODY_FOLDER
    for suffix in (".docx", *TEXT_SUFFIXES):
        path = folder / f"{number}{suffix}"
        if path.is_file():
            return path
    return None


def _serials(ledger: Ledger, year: int, code: str) -> int:
    """The highest serial of ``year`` in the announcement series, from the journal."""
    pattern = re.compile(rf"{re.escape(code)}〔{year}〕(\d+)号")
    best = 0
    for rec in ledger.journal_records():
        if rec.get("字段") == NUMBER_FIELD:
            m = pattern.search(rec.get("新值", ""))
            if m:
                best = max(best, int(m.group(1)))
    return best


def issued_numbers(ledger: Ledger) -> dict[tuple[str, str], str]:
    """{(公开编号, role): 文号} of every announcement issued, from the journal (the last one wins)."""
    out = {}
    for rec in ledger.journal_records():
        if rec.get("字段") == NUMBER_FIELD and rec.get("台账") == DISCLOSURE.name:
            doc_no, _, role = rec.get("新值", "").partition("·")
            out[(rec.get("编号", ""), role)] = doc_no
    return out


def _selected(ledger: Ledger, sheet_name: str, ids, label: str) -> tuple[list[Row], set[str]]:
    rows = ledger.sheet(sheet_name).rows()
    return rows, wanted_numbers(rows, ids, label, sheet_name)


# ---- the period


class Period:
    """The dates an announcement states: 成文日期, first and last day, working days (None when not counted)."""

    def __init__(self, signed: dt.date, start: dt.date, end: dt.date, days: int | None):
        self.signed, self.start, self.end, self.days = signed, start, end, days

    def text(self) -> str:
        return span_text(self.start, self.end, self.days)


def plan_period(settings, days: int | None, until: dt.date | None, now: dt.date | None = None) -> Period:
    """The 公示期 from today (or the next working day), first day included; UsageError past the calendar's data."""
    cal = WorkCalendar.from_settings(settings)
    now = now or today()
    work, guessed = cal.is_workday(now)
    start, g2 = (now, False) if work else cal.add(now, 1)
    guessed = guessed or g2
    if until is not None:
        if until < start:
            raise UsageError(f"--until {until.isoformat()} 早于公示期第一天 {start.isoformat()}。", hint="请写公示期的最后一天。")
        count = cal.between(start - dt.timedelta(days=1), until)
        return Period(now, start, until, None if count.provisional else count.days)
    if days is not None and not 1 <= days <= 30:
        raise UsageError(f"--days 的值 {days} 不在 1 到 30 个工作日之间。")
    n = days or period_days(settings)
    end, g3 = cal.add(start, n - 1) if n > 1 else (start, False)
    if guessed or g3:
        raise UsageError(
            f"公示期自 {start.isoformat()} 起 {n} 个工作日，超出了法定节假日数据的范围（{start.year}—{end.year} 年的调休安排尚未公布），不能推算结束日期。",
            hint="请用 --until 2027-01-08 写明公示期的最后一天，或在 dangwu.toml 的 [calendar] 中补充节假日和调休安排。",
        )
    return Period(now, start, end, n)


# ---- the announcement


def select_for_announcement(ledger: Ledger, units: Units, ids=(), unit=None, force=False, settings=None, options=None):
    """(row, addressee, role, extra) jobs: the next announcement each approved item needs, others skipped.

    With --id, an item that cannot be announced now is an error naming why (nothing is written);
    without it the item is skipped with the reason.
    """
    opts = options or {}
    ws = opts.get("workspace")
    rows, wanted = _selected(ledger, DISCLOSURE.name, ids, "公开编号")
    skip_inner = (opts.get("skip_inner") or "").strip()
    if opts.get("skip_inner") is not None and not skip_inner:
        raise UsageError("--skip-inner 须写明不先在党内公开的理由。")
    if skip_inner and not wanted:
        raise UsageError("--skip-inner 须与 --id 同用，指明直接对外公开的事项。")
    until = _date("--until", opts.get("until"))
    invite = not opts.get("no_opinions")
    now = today()
    period = None
    issued = issued_numbers(ledger)
    code = doc_code(settings)
    serial = _serials(ledger, now.year, code)
    cal = WorkCalendar.from_settings(settings)
    jobs, skipped = [], []
    for row in rows:
        if wanted and row.number not in wanted:
            continue
        role, why = _next_announcement(row, cal, now, skip_inner)
        if role is None and force and wanted and (row.date("公开日期") or row.date("党内公开日期")):
            jobs.append(_reprint(row, issued, settings, ws))
            continue
        if role is None:
            if wanted:
                raise UsageError(f"{row.number}：{why}", hint="先党内、后党外；已公开的事项重新印制请加 --force。")
            skipped.append(f"{row.number or '（待编号）'}（{why}）")
            continue
        if period is None:
            period = plan_period(settings, opts.get("days"), until, now)
        serial += 1
        scope = row.text("公开范围")
        addressee = INNER_ADDRESSEE if role == INNER else scope
        extra = {
            "文号": f"{code}〔{now.year}〕{serial}号",
            "period": period,
            "invite": invite,
            "inner_first": role == INNER,
            "skip_inner": skip_inner if role == PUBLIC and scope not in INNER_SCOPES and not row.date("党内公开日期") else "",
            "scope": addressee,
        }
        _attach_body(extra, row, ws)
        jobs.append((row, addressee, role, extra))
    return jobs, skipped


def _date(option: str, text) -> dt.date | None:
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError:
        raise UsageError(f"{option} 的值“{text}”不是日期，请写成 2027-01-08。") from None


def _next_announcement(row: Row, cal: WorkCalendar, now: dt.date, skip_inner: str) -> tuple[str | None, str]:
    """(role of the announcement the item needs now, or None and why not)."""
    state = approval_of(row)
    if state != APPROVED:
        return None, state if state != "待审批" else "尚未审批"
    if row.date("公开日期"):
        return None, f"已于 {row.date('公开日期').isoformat()} 公开"
    scope = row.text("公开范围")
    if scope in INNER_SCOPES:
        return PUBLIC, ""
    if skip_inner:
        return PUBLIC, ""
    inner = row.date("党内公开日期")
    if not inner:
        return INNER, ""
    first_outer, _ = cal.add(inner, 1)
    if now < first_outer:
        return None, f"党内公开日期为 {inner.isoformat()}，对外公开须在其后的工作日（{first_outer.isoformat()} 起）"
    return PUBLIC, ""


def _attach_body(extra: dict, row: Row, ws) -> None:
    """The item's own text: a .docx merged in whole (checked now, before the batch), else paragraphs."""
    source = body_source(ws, row.number)
    if source is None:
        return
    if source.suffix.lower() == ".docx":
        check_body(source)
        extra["body"] = source
    else:
        extra["paragraphs"] = text_paragraphs(source)


def _reprint(row: Row, issued: dict, settings, ws) -> tuple:
    """A published item's last announcement printed again: same 文号 and dates, the ledger untouched."""
    scope = row.text("公开范围")
    outer = bool(row.date("公开日期"))
    role = PUBLIC if outer else INNER
    start = row.date("公开日期") if outer else row.date("党内公开日期")
    end = (row.date("公开截止日期") if outer else row.date("党内公开截止日期")) or start
    count = WorkCalendar.from_settings(settings).between(start - dt.timedelta(days=1), end)
    addressee = scope if outer else INNER_ADDRESSEE
    extra = {
        "文号": issued.get((row.number, role), ""),
        "period": Period(start, start, end, None if count.provisional else count.days),
        "invite": end != start,
        "inner_first": not outer and scope not in INNER_SCOPES,
        "skip_inner": "",
        "scope": addressee,
        "reprint": True,
    }
    _attach_body(extra, row, ws)
    return (row, addressee, role, extra)


def announcement_values(row: Row, units: Units, unit: str, role: str, settings, extra: dict) -> dict:
    """Every field of the announcement: 文号, 标题, 主送, 正文, 说明 (范围, 公示期, channels), 落款, 成文日期."""
    period: Period = extra["period"]
    invite = extra["invite"]
    kind = "公示" if invite else plain_kind(settings)
    matter = row.text("公开事项")
    scope = extra["scope"]
    verb = "公示" if invite else ("公告" if kind == "公告" else "通知")
    if "body" in extra:
        body = MARKER
    else:
        paragraphs = extra.get("paragraphs") or [p.strip() for p in row.text("公开内容摘要").splitlines() if p.strip()]
        intro = f"根据《校党委党务公开工作制度》，经校党委审批同意，现将{core_of(matter)}{verb}如下："
        paragraphs = [p if p[-1] in "。；！？：.;!?:" else p + "。" for p in paragraphs]
        body = docx_paragraphs([intro, *paragraphs] if paragraphs else [intro.rstrip("：") + "。"])
    notes = [f"公开范围：{scope}。"]
    if extra.get("inner_first"):
        notes.append(f"本事项先在党内公开，党内公开结束后向{row.text('公开范围')}公开。")
    if invite:
        notes.append(f"公示期：{period.text()}。")
        ways = channels(settings)
        how = f"通过以下方式反映：{ways}" if "：" in ways else f"{ways}"
        notes.append(f"公示期间，如有意见建议，请以实名方式（署真实姓名，注明单位或身份和联系方式）{how}。匿名意见不予受理。")
    return {
        "文号": extra["文号"],
        "标题": balanced(title_of(matter, kind)),
        "主送": SALUTATIONS.get(scope, f"{scope}：" if scope else ""),
        "正文": body,
        "说明": docx_paragraphs(notes),
        "落款单位": office(settings),
        "成文日期": cn_date(period.signed),
        "发文机关": settings.org_name,
    }


def mark_announced(row: Row, role: str, extra: dict, context: ChangeContext) -> None:
    """After the announcement is written: its dates set, its 文号 (and any --skip-inner reason) journalled."""
    if extra.get("reprint"):
        return
    period: Period = extra["period"]
    until = period.end if extra["invite"] else period.start
    if role == INNER or row.text("公开范围") in INNER_SCOPES:
        row.set("党内公开日期", period.start, context=context)
        row.set("党内公开截止日期", until, context=context)
    if role == PUBLIC:
        row.set("公开日期", period.start, context=context)
        row.set("公开截止日期", until, context=context)
    journal = row.view.ledger.journal
    journal(context.change(DISCLOSURE.name, row.number, NUMBER_FIELD, "", f"{extra['文号']}·{role}"))
    if extra.get("skip_inner"):
        journal(context.change(DISCLOSURE.name, row.number, SKIP_FIELD, "", extra["skip_inner"]))


# ---- re-disclosure


def opinions_of(ledger: Ledger) -> dict[str, list[Row]]:
    """公开意见反馈 rows per 公开编号, in sheet order."""
    view = ledger.views.get(FEEDBACK.name)
    out: dict[str, list[Row]] = {}
    for r in view.rows() if view is not None else ():
        out.setdefault(r.text("公开编号"), []).append(r)
    return out


def _redisclosure_block(row: Row, opinions: list[Row]) -> str:
    """Why the item cannot be re-disclosed yet ('' when it can)."""
    if approval_of(row) != APPROVED or not row.date("公开日期"):
        return "尚未公开"
    until = row.date("公开截止日期")
    if until and today() <= until:
        return f"公示期至 {until.isoformat()} 尚未结束"
    if not opinions:
        return "没有收到意见，无需再公开"
    open_ = [o.number or f"第{o.r}行" for o in opinions if not o.text("处理情况")]
    if open_:
        return f"意见 {'、'.join(open_)} 尚未填写处理情况（dangwu respond 反馈编号 --handling …）"
    blank = [o.number or f"第{o.r}行" for o in opinions if not o.text("意见摘要")]
    if blank:
        return f"意见 {'、'.join(blank)} 没有意见摘要：再公开公告只列摘要、不列反馈人，请先填写（dangwu respond 反馈编号 --summary …）"
    return ""


def select_for_redisclosure(ledger: Ledger, units: Units, ids=(), unit=None, force=False, settings=None):
    """(row, addressee, role, extra) jobs: items whose opinions are all handled; --id names the reason otherwise."""
    rows, wanted = _selected(ledger, DISCLOSURE.name, ids, "公开编号")
    by_item = opinions_of(ledger)
    issued = issued_numbers(ledger)
    now = today()
    code = doc_code(settings)
    serial = _serials(ledger, now.year, code)
    jobs, skipped = [], []
    for row in rows:
        if wanted and row.number not in wanted:
            continue
        opinions = by_item.get(row.number, [])
        done = row.date("再公开日期")
        if done and not (force and wanted):
            if wanted:
                raise UsageError(f"{row.number} 已于 {done.isoformat()} 再公开。", hint="重新印制请加 --force。")
            continue
        why = _redisclosure_block(row, opinions)
        if why:
            if wanted:
                raise UsageError(f"{row.number} 不能再公开：{why}。")
            if row.date("公开日期") and opinions and not row.text("处理情况").startswith(NO_REDISCLOSURE):
                skipped.append(f"{row.number}（{why}）")
            continue
        if not wanted and row.text("处理情况").startswith(NO_REDISCLOSURE):
            continue
        if done:
            extra = {"文号": issued.get((row.number, AGAIN), ""), "signed": done, "reprint": True}
        else:
            serial += 1
            extra = {"文号": f"{code}〔{now.year}〕{serial}号", "signed": now}
        extra["opinions"] = opinions
        jobs.append((row, row.text("公开范围"), AGAIN, extra))
    return jobs, skipped


def redisclosure_values(row: Row, units: Units, unit: str, role: str, settings, extra: dict) -> dict:
    """The 再公开公告: each opinion by its 意见摘要 and how it was handled — never who gave it."""
    matter = core_of(row.text("公开事项"))
    opinions = extra["opinions"]
    start, until = row.date("公开日期"), row.date("公开截止日期") or row.date("公开日期")
    span = span_text(start, until, None) if until != start else cn_date(start)
    intro = f"{span}，{matter}在{row.text('公开范围')}范围内公开，共收到意见建议{len(opinions)}条。经认真研究办理，现将办理情况公开如下："
    paragraphs = [intro]
    for i, o in enumerate(opinions):
        head = CN_NUMERALS[i] if i < len(CN_NUMERALS) else str(i + 1)
        summary = o.text("意见摘要").rstrip("。；;.")
        paragraphs.append(f"{head}、{summary}。")
        handled = o.text("处理情况").rstrip("。")
        by = f"（承办部门：{o.text('转办部门')}）" if o.text("转办部门") else ""
        paragraphs.append(f"办理情况：{handled}。{by}")
    ways = channels(settings)
    notes = [
        f"如对上述办理情况仍有意见，可以实名方式通过以下方式反映：{ways}。"
        if "：" in ways
        else f"如对上述办理情况仍有意见，请以实名方式{ways}。"
    ]
    return {
        "文号": extra["文号"],
        "标题": balanced(f"关于{matter}意见建议办理情况的公告"),
        "主送": SALUTATIONS.get(row.text("公开范围"), ""),
        "正文": docx_paragraphs(paragraphs),
        "说明": docx_paragraphs(notes),
        "落款单位": office(settings),
        "成文日期": cn_date(extra["signed"]),
        "发文机关": settings.org_name,
    }


def mark_redisclosed(row: Row, role: str, extra: dict, context: ChangeContext) -> None:
    """After the 再公开公告 is written: 再公开日期 today, 处理情况 says so, the 文号 journalled."""
    if extra.get("reprint"):
        return
    row.set("再公开日期", extra["signed"], context=context)
    row.set("处理情况", f"已再公开（{extra['文号']}）", context=context)
    row.view.ledger.journal(context.change(DISCLOSURE.name, row.number, NUMBER_FIELD, "", f"{extra['文号']}·{AGAIN}"))


# ---- the reply to the person who gave an opinion


def select_for_reply(ledger: Ledger, units: Units, ids=(), unit=None, force=False, settings=None):
    """(opinion row, person, role, extra) jobs: handled opinions not answered yet (or named with --id)."""
    rows, wanted = _selected(ledger, FEEDBACK.name, ids, "反馈编号")
    items = ledger.sheet(DISCLOSURE.name).by_number()
    jobs, skipped = [], []
    for row in rows:
        if wanted and row.number not in wanted:
            continue
        label = row.number or f"第{row.r}行"
        if not row.text("处理情况"):
            if wanted:
                raise UsageError(f"{label} 尚未填写处理情况，不能答复。", hint="请先 `dangwu respond 反馈编号 --handling …` 或在表中填写。")
            skipped.append(f"{label}（未填处理情况）")
            continue
        if row.date("答复日期") and not (force or wanted):
            skipped.append(f"{label}（已于 {row.date('答复日期').isoformat()} 答复）")
            continue
        item = items.get(row.text("公开编号"))
        jobs.append((row, row.text("反馈人"), REPLY_ROLE, {"item": item.text("公开事项") if item is not None else row.text("公开编号")}))
    return jobs, skipped


def reply_values(row: Row, units: Units, unit: str, role: str, settings, extra: dict) -> dict:
    """Every field of the 意见答复单."""
    return {
        "发文机关": settings.org_name,
        "反馈编号": row.number,
        "公开事项": extra["item"],
        "反馈人": row.text("反馈人"),
        "收到日期": cn_date(row.date("收到日期")),
        "意见建议": row.text("意见建议"),
        "处理情况": row.text("处理情况"),
        "转办部门": row.text("转办部门") or office(settings),
        "答复日期": cn_date(row.date("答复日期") or today()),
        "落款单位": office(settings),
    }


def mark_replied(row: Row, role: str, extra: dict, context: ChangeContext) -> None:
    """After the reply is written: 答复日期 today unless already answered."""
    if not row.date("答复日期"):
        row.set("答复日期", today(), context=context)
