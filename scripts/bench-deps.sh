#!/usr/bin/env bash
# System packages the benchmarks need: wrk (the order-accept load test). Installed where missing.
set -eu
command -v wrk >/dev/null && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
else
  echo "Missing system package: wrk — install it with: sudo apt-get install wrk"; exit 1
fi
