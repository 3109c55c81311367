#!/usr/bin/env bash
# Run mode 1, local pipe: kgdump and migrate on one host — the Kopano server, or any host that
# reaches the Kopano database and attachment directory and the importer. Start it inside screen,
# which keeps it running when the ssh session drops and logs everything to a file:
#
#   screen -L -Logfile migration-$(date +%F).log -S migration examples/run-local-pipe.sh [SELECTORS]
#
# SELECTORS go to kgdump dump (e.g. --user dora@example.org, --public, --exclude-user gast).
# DRY_RUN=1 maps and preflights every store and uploads nothing. Run it again after an
# interruption: stores the journal records as complete are skipped, nothing is imported twice.
set -euo pipefail
KGM=${KGM:-$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd -P)}   # the kg-migration directory
export KGDUMP_CONFIG=${KGDUMP_CONFIG:-$KGM/config/kgdump.yaml}       # password: KGDUMP_DB_PASSWORD or passwordFile
export IMPORTER_CONFIG=${IMPORTER_CONFIG:-$KGM/config/migrate.yaml}
export IMPORTER_IMPORT_URL=${IMPORTER_IMPORT_URL:?set IMPORTER_IMPORT_URL, e.g. https://e4a.example.org:8443/}
journal=${JOURNAL:-$PWD/migrate-import.journal}     # next to the screen log
report=$PWD/migrate-report-$(date +%Y%m%d-%H%M%S).json
dry=()
[ "${DRY_RUN:-0}" = 1 ] && dry=(--dry-run)

set +e
"$KGM/bin/kgdump" dump --stdout --progress lines "$@" \
  | "$KGM/bin/migrate" import --stdin --journal "$journal" --report "$report" "${dry[@]}"
status=("${PIPESTATUS[@]}")
set -e
echo "kgdump exit ${status[0]}, migrate exit ${status[1]} (0 done, 3 done with counted skips); report: $report"
[ "${status[1]}" != 0 ] && exit "${status[1]}"
exit "${status[0]}"
