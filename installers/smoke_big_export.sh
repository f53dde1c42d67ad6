#!/usr/bin/env bash
# Write the smoke tests' big export to $1: 120,000 Salesforce deals, 19 MB, over the
# 16 MB from which an import stages its rows (src/workbench/importers/staging.py).
# Used by build_linux.sh and build_macos.sh.
set -euo pipefail
awk 'BEGIN { print "Id,Name,AccountId,OwnerId,StageName,Amount,CloseDate,Description";
  for (i = 0; i < 120000; i++)
    printf "006%012dAAA,Deal %d,001%012dAAA,005%012dAAA,Prospecting,%d,2026-%02d-%02d,%s\n",
      i, i, i % 997, i % 41, 1000 + i, 1 + i % 12, 1 + i % 28,
      "Renewal with expansion into two further regions pending procurement review" }' >"$1"
