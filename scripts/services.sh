#!/usr/bin/env bash
# Make sure the real PostgreSQL and Redis the tests use are up; start them where installed but stopped.
set -u
pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null || (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; }

if ! pg_up && ls /etc/postgresql >/dev/null 2>&1; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start || true
  for _ in $(seq 20); do pg_up && break; sleep 0.5; done
fi
if ! redis_up && command -v redis-server >/dev/null; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no || true
  for _ in $(seq 20); do redis_up && break; sleep 0.5; done
fi
pg_up || { echo "PostgreSQL is not reachable at 127.0.0.1:5432 — start it: pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start"; exit 1; }
redis_up || { echo "Redis is not reachable at 127.0.0.1:6379 — start it: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save \"\" --appendonly no"; exit 1; }
