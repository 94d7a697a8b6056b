#!/usr/bin/env bash
# Start the portal (Django dev server), a real Celery worker with beat embedded, and stop both on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
mkdir -p var
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

$BIN/celery -A governance worker -B --concurrency 1 --loglevel INFO \
  --schedule "${VAR_DIR:-var}/celerybeat-schedule" >var/celery.log 2>&1 &
pids+=($!)
$BIN/python manage.py runserver --noreload "$HOST:$PORT" &
pids+=($!)

cat <<MSG

  县域乡村治理门户 is running:  http://$HOST:$PORT/
  Celery worker + beat:          log in var/celery.log
  Demo password for every user:  ${DEMO_PASSWORD:-demo-2026}
  Demo logins:  county_admin · township_head · township_staff · village_secretary · grid_leader
                village_assistant · unit_staff · resident · resident_away · admin (Django admin)
                (each local role also has a *_2 user in another township, to see isolation)
  Stop with Ctrl-C.

MSG
wait -n "${pids[@]}"
