#!/usr/bin/env bash
# Run mode 3, a dump file carried on a removable disk: for servers without a network path between
# them. Two steps, each inside screen (screen -L -Logfile step-$(date +%F).log -S migration …):
#
#   on the Kopano server:     examples/run-removable-disk.sh dump /media/disk [SELECTORS]
#   on the Exchange4all side: examples/run-removable-disk.sh import /media/disk/kgdump-HOST-DATE.d1
#
# 'dump' writes kgdump-HOST-DATE.d1 (via .part, renamed only when complete) and checks it with
# 'migrate inspect' (every checksum, attachment hash and total) before you unplug the disk;
# 'import' checks it again after the journey, then imports it. An interrupted import continues
# where it stopped when run again (journal FILE.journal next to the dump).
set -euo pipefail
KGM=${KGM:-$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd -P)}
usage() { echo "usage: $0 dump DIRECTORY [SELECTORS] | import FILE" >&2; exit 2; }
[ $# -ge 2 ] || usage
step=$1 where=$2
shift 2
case "$step" in
  dump)
    export KGDUMP_CONFIG=${KGDUMP_CONFIG:-$KGM/config/kgdump.yaml}
    file="$where/kgdump-$(hostname -s)-$(date +%Y-%m-%d).d1"
    rc=0
    "$KGM/bin/kgdump" dump --output="$file" --progress lines "$@" || rc=$?
    [ "$rc" = 0 ] || [ "$rc" = 3 ] || exit "$rc"   # 3: done, data problems counted (see the PROBLEMS line)
    "$KGM/bin/migrate" inspect --input="$file"
    sync
    echo "dump complete and verified: $file (kgdump exit $rc); unmount the disk before unplugging it"
    ;;
  import)
    [ $# -eq 0 ] || usage
    export IMPORTER_CONFIG=${IMPORTER_CONFIG:-$KGM/config/migrate.yaml}
    export IMPORTER_IMPORT_URL=${IMPORTER_IMPORT_URL:-https://127.0.0.1:8443/}
    "$KGM/bin/migrate" inspect --input="$where"
    dry=""
    [ "${DRY_RUN:-0}" = 1 ] && dry=--dry-run
    "$KGM/bin/migrate" import --input="$where" --report "$where.report.json" $dry
    ;;
  *) usage ;;
esac
