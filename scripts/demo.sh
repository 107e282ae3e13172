#!/usr/bin/env bash
# The whole cycle on a copy of samples/: check, notices (.docx + PDF), returned forms, warnings,
# reminders, review, report, 党务公开 approval (forms, a paper decision, status),
# year-end archive and its verification.
set -uo pipefail
cd "$(dirname "$0")/.."
DW=.venv/bin/dangwu
WS=${DEMO_WORKSPACE:-demo-workspace}
# the operator recorded as 审核人, 操作人 and 整理人 (a real clerk's name, not the login name)
export DANGWU_USER=${DANGWU_USER:-林晓}
rm -rf "$WS"
cp -r samples "$WS"
rm -f "$WS"/README.md
step() { printf '\n\033[1m== %s ==\033[0m\n$ %s\n' "$1" "$2"; }
# The toolkit's own messages (standard error) always reach the terminal; a failed step ends the demo.
stop() { printf '\n演示中止：dangwu %s 未成功（退出码 %s），原因见上方的错误信息。\n' "$1" "$2" >&2; exit 1; }
run() { "$DW" "$@" -w "$WS" || stop "$*" $?; }
# A step with a long listing: only its last N lines of standard output, then the verdict.
brief() {
  local n=$1 out rc
  shift
  out=$(mktemp)
  "$DW" "$@" -w "$WS" >"$out"
  rc=$?
  tail -n "$n" "$out"
  rm -f "$out"
  ((rc == 0)) || stop "$*" "$rc"
}

step "1. 检查台账和模板" "dangwu check"
"$DW" check -w "$WS"
step "2. 生成督查督办通知单和可打印 PDF（新立项的事项）" "dangwu generate notice --pdf --merge"
brief 5 generate notice --pdf --merge
step "3. 再运行一次：不会重复生成" "dangwu generate notice"
run generate notice
step "4. 读取交回的表单：督查督办反馈和党务公开审批表（inbox/ 中的 Word 和 PDF）" "dangwu ingest"
run ingest
step "5. 查看办理状态和红黄绿预警（同时写入台账“预警”列）" "dangwu status"
run status
step "6. 为逾期事项生成催办通知单" "dangwu generate reminder"
brief 3 generate reminder
step "7. 办结审核：通过一批，退回一项重办" "dangwu review …"
run review DB-2026-001 DB-2026-003 DB-2026-004 DB-2026-006 DB-2026-007 DB-2026-012 DB-2026-015 --accept --opinion "事实清楚，问题已解决，同意办结"
run review DB-2026-008 --reject --opinion "方案未经党委会审议，请完善后重新报送" --deadline "$(date -d '+20 days' +%F)"
brief 1 generate notice --id DB-2026-008
step "8. 年度督查督办工作情况报告（统计表含图表 + 报告文稿及 PDF，统计表为附件）" "dangwu report --year 2026 --pdf"
run report --year 2026 --pdf
step "9. 党务公开审批表：已审批和已送审批的事项不再生成；审批表被退回的两项重新生成" "dangwu generate approval"
run generate approval
run generate approval --id GK-2026-004 --id GK-2026-005
step "10. 登记党委纸面审批的决定（没有交回审批表的事项）" "dangwu decide GK-2026-006 --approve …"
run decide GK-2026-006 --approve --by 陈志远 --date 2026-12-03 --opinion "同意先在党员大会通报，再在党建信息平台公开"
step "11. 党务公开事项的审批阶段和红黄绿预警" "dangwu status --register 党务公开"
run status --register 党务公开
step "12. 年终立卷归档（DA/T 22-2015）并校验" "dangwu archive --year 2026 && dangwu verify …"
run archive --year 2026
"$DW" verify "$WS/archive/2026/督查督办/D30" || stop verify $?
printf '\n演示工作区：%s\n  通知单和 PDF：outbox/；合并打印：outbox/打印/；报告：outbox/报告/\n  已登记：processed/；退回及原因：rejected/；归档：archive/2026/\n  台账：ledger.xlsx（“变更记录”表是每一处改动的记录，“办理进展”表是各单位的历次报告）\n' "$WS"
