#!/usr/bin/env bash
# Run mode 2, pipe through ssh: kgdump on the Kopano server, migrate on a host near the importer
# (often the Exchange4all server itself, importer at https://127.0.0.1:8443/). The dump travels
# through the ssh channel (compressed); migrate's settings travel as environment variables on the
# ssh command line and its configuration file lives on the remote host. Run it on the Kopano
# server inside screen:
#
#   TARGET=admin@e4a.example.org screen -L -Logfile migration-$(date +%F).log -S migration \
#       examples/run-ssh-pipe.sh [SELECTORS]
#
# The remote host needs Java 17 and a copy of kg-migration (bin/ and target/kg-migration.jar).
# Keep the importer's token in token_file of the remote configuration, not on the command line.
set -euo pipefail
KGM=${KGM:-$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd -P)}
export KGDUMP_CONFIG=${KGDUMP_CONFIG:-$KGM/config/kgdump.yaml}
TARGET=${TARGET:?set TARGET to user@host of the machine that runs migrate}
REMOTE_KGM=${REMOTE_KGM:-/opt/kg-migration}
REMOTE_CONFIG=${REMOTE_CONFIG:-$REMOTE_KGM/config/migrate.yaml}
REMOTE_URL=${REMOTE_URL:-https://127.0.0.1:8443/}
REMOTE_WORK=${REMOTE_WORK:-.}      # journal and report, relative to the remote login's home directory
stamp=$(date +%Y%m%d-%H%M%S)
dry=""
[ "${DRY_RUN:-0}" = 1 ] && dry=--dry-run

set +e
"$KGM/bin/kgdump" dump --stdout --compress --progress lines "$@" \
  | ssh -o ServerAliveInterval=30 "$TARGET" \
      env IMPORTER_CONFIG="$REMOTE_CONFIG" IMPORTER_IMPORT_URL="$REMOTE_URL" \
      "$REMOTE_KGM/bin/migrate" import --stdin --journal "$REMOTE_WORK/migrate-import.journal" \
      --report "$REMOTE_WORK/migrate-report-$stamp.json" $dry
status=("${PIPESTATUS[@]}")
set -e
echo "kgdump exit ${status[0]}, ssh/migrate exit ${status[1]}; report on $TARGET: $REMOTE_WORK/migrate-report-$stamp.json"
[ "${status[1]}" != 0 ] && exit "${status[1]}"
exit "${status[0]}"
