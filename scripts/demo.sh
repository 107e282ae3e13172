#!/usr/bin/env bash
# The whole cycle on a copy of samples/: check, generate notices, ingest returned forms, status.
set -uo pipefail
cd "$(dirname "$0")/.."
DW=.venv/bin/dangwu
WS=demo-workspace
rm -rf "$WS"
cp -r samples "$WS"
rm -f "$WS"/README.md
step() { printf '\n\033[1m== %s ==\033[0m\n$ %s\n' "$1" "$2"; }

step "1. 检查台账和模板" "dangwu check -w $WS"
$DW check -w "$WS"
step "2. 生成督查督办通知单（新立项的事项）" "dangwu generate notice -w $WS"
$DW generate notice -w "$WS" || exit 1
step "3. 再运行一次：不会重复生成" "dangwu generate notice -w $WS"
$DW generate notice -w "$WS" || exit 1
step "4. 读取各单位交回的表单（inbox/）" "dangwu ingest -w $WS"
$DW ingest -w "$WS" || exit 1
step "5. 查看办理状态" "dangwu status -w $WS"
$DW status -w "$WS" || exit 1
printf '\n演示工作区：%s（通知单在 outbox/，已登记的在 processed/，退回的及原因在 rejected/，变更记录见 ledger.xlsx 的“变更记录”表）\n' "$WS"
