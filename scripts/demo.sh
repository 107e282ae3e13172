#!/usr/bin/env bash
# The whole cycle on a copy of samples/: check, notices (.docx + PDF), returned forms, warnings,
# reminders, review, report, 党务公开 approval (forms, a paper decision, status), year-end archive
# and its verification; then 党务公开 through December 2026 (DANGWU_TODAY): announcements 先党内后党外,
# opinions handed in (from samples/待交回意见/), answered and re-disclosed, next quarter's plan,
# status, report and 党务公开目录, archive and verification; then 联系服务群众 in the same December:
# the year's talks planned, the 书记's talk sheets returned (face to face, by phone, one refused), an
# unplanned talk, 慰问 planned, a 联系点 visit and a 慰问 recorded (from samples/待交回记录表/), the talk
# matrix, the 书记's account, archive and verification.
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
# Forms handed in on a day: the filled forms of samples/<folder>/<day>/ put into inbox/.
hand_in() { mv "$WS/$1/$2"/* "$WS/inbox/" && rmdir "$WS/$1/$2"; }
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

printf '\n以下各步是党务公开在2026年12月的办理过程：命令前的 DANGWU_TODAY=… 是当天的日期。\n'
step "13. 12月7日 公开公告：全体党员范围的两项直接公示；全体教职工范围的 GK-2026-002 先在党内公示（正文取自 公开内容/）" \
  "DANGWU_TODAY=2026-12-07 dangwu generate announcement --pdf --merge"
DANGWU_TODAY=2026-12-07 brief 7 generate announcement --pdf --merge
step "14. 同日再运行：已公开的不再生成，GK-2026-002 须在党内公开后的工作日才能对外公示" "DANGWU_TODAY=2026-12-07 dangwu generate announcement"
DANGWU_TODAY=2026-12-07 run generate announcement
step "15. 随公告发放意见反馈表" "DANGWU_TODAY=2026-12-07 dangwu generate feedback-form --id GK-2026-001 --id GK-2026-006"
DANGWU_TODAY=2026-12-07 run generate feedback-form --id GK-2026-001 --id GK-2026-006
step "16. 12月9日 党员交回意见反馈表" "mv 待交回意见/12月9日交回/* inbox/ && DANGWU_TODAY=2026-12-09 dangwu ingest"
hand_in 待交回意见 12月9日交回
DANGWU_TODAY=2026-12-09 run ingest
step "17. 12月10日 登记意见的处理情况，生成答复单交反映人" "DANGWU_TODAY=2026-12-10 dangwu respond FK-2026-001 … && dangwu generate reply"
DANGWU_TODAY=2026-12-10 run respond FK-2026-001 --to 机电工程学院 \
  --handling "机电工程学院党总支已于12月10日组织各党支部补签党风廉政建设责任书，签订要求已向反映人当面说明" \
  --summary "询问教工党支部签订党风廉政建设责任书的要求"
DANGWU_TODAY=2026-12-10 run generate reply
step "18. 12月14日 党内公示期满，GK-2026-002 向全体教职工公示，并发放其意见反馈表" \
  "DANGWU_TODAY=2026-12-14 dangwu generate announcement --pdf && dangwu generate feedback-form --id GK-2026-002"
DANGWU_TODAY=2026-12-14 brief 3 generate announcement --pdf
DANGWU_TODAY=2026-12-14 run generate feedback-form --id GK-2026-002
step "19. 12月16日 教职工交回意见反馈表（未署名的一份按实名要求退回）" "mv 待交回意见/12月16日交回/* inbox/ && DANGWU_TODAY=2026-12-16 dangwu ingest"
hand_in 待交回意见 12月16日交回
rmdir "$WS/待交回意见"
DANGWU_TODAY=2026-12-16 run ingest
step "20. 12月17日 逐条登记处理情况，生成答复单" "DANGWU_TODAY=2026-12-17 dangwu respond FK-2026-002 … && dangwu generate reply"
DANGWU_TODAY=2026-12-17 run respond FK-2026-002 --to 信息工程学院 \
  --handling "经信息工程学院党总支核实，该同志于2025年11月确定为入党积极分子，培养期已满一年，符合确定为发展对象的条件" \
  --summary "对一名发展对象的入党积极分子培养期是否满一年提出疑问"
DANGWU_TODAY=2026-12-17 run respond FK-2026-003 --to 党委组织部 \
  --handling "意见已采纳，今后发展党员公示将注明培养联系人" --summary "建议公示时注明发展对象的培养联系人"
DANGWU_TODAY=2026-12-17 brief 1 generate reply
step "21. 12月21日 公示期已过、意见均已处理：GK-2026-006 的意见属个人咨询，说明不再公开；GK-2026-002 再公开意见办理情况" \
  "DANGWU_TODAY=2026-12-21 dangwu respond GK-2026-006 --no-redisclosure … && dangwu generate redisclosure --pdf"
DANGWU_TODAY=2026-12-21 run respond GK-2026-006 --no-redisclosure "意见属个人咨询，已向反映人答复，不涉及公开内容的更正"
DANGWU_TODAY=2026-12-21 brief 3 generate redisclosure --pdf
step "22. 12月28日 为常规性公开事项补下一季度的计划" "DANGWU_TODAY=2026-12-28 dangwu plan disclosure --quarter 2027Q1"
DANGWU_TODAY=2026-12-28 run plan disclosure --quarter 2027Q1
step "23. 12月31日 党务公开各事项的阶段和红黄绿预警" "DANGWU_TODAY=2026-12-31 dangwu status --register 党务公开"
DANGWU_TODAY=2026-12-31 run status --register 党务公开
step "24. 党务公开年度统计表和党务公开目录（及 PDF）" "DANGWU_TODAY=2026-12-31 dangwu report --register 党务公开 --year 2026 --pdf"
DANGWU_TODAY=2026-12-31 run report --register 党务公开 --year 2026 --pdf
step "25. 党务公开年终立卷归档并校验" "DANGWU_TODAY=2026-12-31 dangwu archive --register 党务公开 --year 2026 && dangwu verify …"
DANGWU_TODAY=2026-12-31 run archive --register 党务公开 --year 2026
"$DW" verify "$WS/archive/2026/党务公开/D30" || stop verify $?
printf '\n以下各步是同一个12月里联系服务群众工作的办理过程（与上面的党务公开同期进行，日期从12月7日重新开始）。\n'
step "26. 12月7日 按制度安排全年谈心谈话：党政正职与每位班子成员、班子成员之间、与分管单位负责人" \
  "DANGWU_TODAY=2026-12-07 dangwu plan talks --year 2026"
DANGWU_TODAY=2026-12-07 brief 4 plan talks --year 2026
step "27. 为党委书记陈志远作为谈话人的谈话生成谈心谈话记录表" "DANGWU_TODAY=2026-12-07 dangwu generate talk-sheet --member 陈志远"
DANGWU_TODAY=2026-12-07 brief 3 generate talk-sheet --member 陈志远
step "28. 12月15日 交回谈心谈话记录表：面对面一份、电话一份；两种谈话方式都勾选的一份退回" \
  "mv 待交回记录表/12月15日交回/* inbox/ && DANGWU_TODAY=2026-12-15 dangwu ingest"
hand_in 待交回记录表 12月15日交回
DANGWU_TODAY=2026-12-15 run ingest
step "29. 计划外的谈话：陈志远与联系点马克思主义学院负责人杨志刚谈心谈话，新增并生成记录表" \
  "DANGWU_TODAY=2026-12-15 dangwu generate talk-sheet --new --member 陈志远 --with 杨志刚 --type 与骨干"
DANGWU_TODAY=2026-12-15 run generate talk-sheet --new --member 陈志远 --with 杨志刚 --type 与骨干
step "30. 按慰问对象名单安排慰问：2027年元旦慰问老党员、老同志；日常慰问重病、困难教职工（慰问人为联系该单位的班子成员）" \
  "DANGWU_TODAY=2026-12-15 dangwu plan visits --occasion 元旦 --year 2027 && dangwu plan visits --occasion 日常 --year 2026"
DANGWU_TODAY=2026-12-15 run plan visits --occasion 元旦 --year 2027
DANGWU_TODAY=2026-12-15 run plan visits --occasion 日常 --year 2026
step "31. 生成慰问登记表；陈志远走访联系点马克思主义学院，新增记录并生成走访调研记录表" \
  "DANGWU_TODAY=2026-12-15 dangwu generate visit-sheet --type 慰问 && dangwu generate visit-sheet --type 走访联系点 --new …"
DANGWU_TODAY=2026-12-15 brief 1 generate visit-sheet --type 慰问
DANGWU_TODAY=2026-12-15 run generate visit-sheet --type 走访联系点 --new --member 陈志远 --unit 马克思主义学院
step "32. 12月22日 交回走访调研记录表和慰问登记表" "mv 待交回记录表/12月22日交回/* inbox/ && DANGWU_TODAY=2026-12-22 dangwu ingest"
hand_in 待交回记录表 12月22日交回
rmdir "$WS/待交回记录表"
DANGWU_TODAY=2026-12-22 run ingest
step "33. 12月31日 谈心谈话覆盖情况（矩阵）和各班子成员的完成情况（只统计，不显示谈话内容）" \
  "DANGWU_TODAY=2026-12-31 dangwu status --register 联系服务群众"
DANGWU_TODAY=2026-12-31 run status --register 联系服务群众
step "34. 陈志远2026年度联系服务群众情况（供述职述廉使用）及 PDF" \
  "DANGWU_TODAY=2026-12-31 dangwu report --register 联系服务群众 --year 2026 --member 陈志远 --pdf"
DANGWU_TODAY=2026-12-31 run report --register 联系服务群众 --year 2026 --member 陈志远 --pdf
step "35. 联系服务群众年终立卷归档并校验" \
  "DANGWU_TODAY=2026-12-31 dangwu archive --register 联系服务群众 --year 2026 && dangwu verify …"
DANGWU_TODAY=2026-12-31 run archive --register 联系服务群众 --year 2026
"$DW" verify "$WS/archive/2026/联系服务群众/D30" || stop verify $?
printf '\n演示工作区：%s\n  通知单、审批表、公告、意见反馈表、答复单、再公开公告、谈心谈话记录表、走访调研记录表、慰问登记表及 PDF：outbox/；合并打印：outbox/打印/；报告、党务公开目录和联系服务群众情况：outbox/报告/\n  已登记：processed/；退回及原因：rejected/；归档：archive/2026/\n  台账：ledger.xlsx（“变更记录”表是每一处改动的记录，“办理进展”表是各单位的历次报告，“公开意见反馈”表是收到的意见，“谈心谈话记录”“走访慰问调研”表是谈话和走访慰问的记录，“谈心谈话覆盖”表是谈话矩阵）\n' "$WS"
