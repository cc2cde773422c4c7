#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for trying the deploy/slurm scripts and for the Slurm integration test.
#
#   scripts/slurm-local.sh start    # munged + slurmctld + slurmd; waits until the node is idle
#   scripts/slurm-local.sh status   # exit 0 when the cluster answers and the node is usable
#   scripts/slurm-local.sh stop     # stops what start started
#
# Needs root and Debian's packages: apt-get install -y slurm-wlm munge (no systemd needed: the daemons are started
# directly). The node is this machine (`hostname -s`, `nproc` CPUs), reached over 127.0.0.1 only. It writes
# /etc/slurm/slurm.conf (the place every Slurm command looks) and refuses to replace one it did not write.
# Jobs do not survive a stop/start: the controller starts with a clean state each time.
set -euo pipefail
export PATH="$PATH:/usr/sbin:/sbin" # the daemons live in sbin, which a CI shell may not have on its PATH

STATE_DIR=${SLURM_LOCAL_DIR:-/var/lib/audiogen-slurm}
CONF=/etc/slurm/slurm.conf
MARK='# written by audiogen scripts/slurm-local.sh'
MUNGE_KEY=/etc/munge/munge.key
MUNGE_PID=/run/munge/munged.pid
TIMEOUT=${SLURM_LOCAL_TIMEOUT:-60}
NODE=$(hostname -s)

say() { printf 'slurm-local: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

pid_alive() { [[ -s $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

munge_ok() { command -v munge >/dev/null && munge -n 2>/dev/null | unmunge >/dev/null 2>&1; }

need_packages() {
  local missing=()
  for cmd in munged slurmctld slurmd sbatch sinfo scontrol; do
    command -v "$cmd" >/dev/null || missing+=("$cmd")
  done
  ((${#missing[@]} == 0)) || die "missing ${missing[*]}: install them with apt-get install -y slurm-wlm munge"
}

write_conf() {
  if [[ -e $CONF ]] && ! grep -qF "$MARK" "$CONF"; then
    die "$CONF exists and was not written by this script: not touching a real cluster's config"
  fi
  mkdir -p /etc/slurm "$STATE_DIR"/{ctld,spool,log}
  # SlurmdParameters=config_overrides: trust this file's CPU count over what slurmd probes (containers and cpusets
  # often disagree with /proc/cpuinfo, and a mismatch would drain the node).
  cat >"$CONF.tmp" <<EOF
$MARK; rewritten on every start.
ClusterName=audiogen-local
SlurmctldHost=$NODE(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SlurmdParameters=config_overrides
ReturnToService=2
# Finished jobs stay visible to scontrol/squeue for 10 minutes (there is no accounting database for sacct).
MinJobAge=600
SlurmctldPort=6817
SlurmdPort=6818
StateSaveLocation=$STATE_DIR/ctld
SlurmdSpoolDir=$STATE_DIR/spool
SlurmctldPidFile=$STATE_DIR/slurmctld.pid
SlurmdPidFile=$STATE_DIR/slurmd.pid
SlurmctldLogFile=$STATE_DIR/log/slurmctld.log
SlurmdLogFile=$STATE_DIR/log/slurmd.log
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=local Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
  mv "$CONF.tmp" "$CONF"
}

start_munge() {
  if munge_ok; then return; fi
  if [[ ! -s $MUNGE_KEY ]]; then
    mkdir -p /etc/munge
    if command -v mungekey >/dev/null; then mungekey --create --keyfile="$MUNGE_KEY"; else dd if=/dev/urandom of="$MUNGE_KEY" bs=1 count=1024 status=none; fi
  fi
  chown munge:munge /etc/munge "$MUNGE_KEY"
  chmod 0700 /etc/munge
  chmod 0400 "$MUNGE_KEY"
  # /run is empty in a fresh container: munged needs its socket and log folders owned by its user.
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  chown munge:munge /run/munge /var/log/munge /var/lib/munge
  chmod 0755 /run/munge
  runuser -u munge -- /usr/sbin/munged
  touch "$STATE_DIR/munged.ours"
  for _ in $(seq 50); do munge_ok && return; sleep 0.1; done
  die "munged did not start (see /var/log/munge/munged.log)"
}

node_state() { sinfo -h -N -n "$NODE" -o '%T' 2>/dev/null | head -n1; }

cluster_up() {
  pid_alive "$STATE_DIR/slurmctld.pid" && pid_alive "$STATE_DIR/slurmd.pid" && scontrol ping 2>/dev/null | grep -q 'is UP'
}

start() {
  [[ $(id -u) == 0 ]] || die "start needs root (it writes $CONF and runs the daemons)"
  need_packages
  mkdir -p "$STATE_DIR"
  if cluster_up; then
    say "already running: node $NODE is $(node_state)"
    return
  fi
  stop_daemons quiet
  write_conf
  start_munge
  slurmctld -c -i
  slurmd -c -N "$NODE"
  local state='' waited=0
  while ((waited < TIMEOUT * 2)); do
    state=$(node_state)
    case $state in
      idle) say "up: node $NODE idle with $(nproc) CPUs ($CONF, logs in $STATE_DIR/log)"; return ;;
      drain* | down*) scontrol update NodeName="$NODE" State=RESUME 2>/dev/null || true ;;
    esac
    sleep 0.5
    waited=$((waited + 1))
  done
  say "timed out after ${TIMEOUT}s waiting for node $NODE to be idle (sinfo says '${state:-nothing}')"
  sinfo -R 2>/dev/null >&2 || true
  tail -n 20 "$STATE_DIR/log/slurmctld.log" "$STATE_DIR/log/slurmd.log" >&2 2>/dev/null || true
  exit 1
}

# Stops slurmd and slurmctld by their pid files: TERM, then KILL after 10 s.
stop_daemons() {
  local quiet=${1:-}
  local pids=() f
  for f in "$STATE_DIR/slurmd.pid" "$STATE_DIR/slurmctld.pid"; do
    if pid_alive "$f"; then pids+=("$(cat "$f")"); fi
  done
  ((${#pids[@]} == 0)) && { [[ -n $quiet ]] || say "slurm daemons not running"; return 0; }
  kill -TERM "${pids[@]}" 2>/dev/null || true
  for _ in $(seq 100); do
    local alive=0
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    ((alive)) || break
    sleep 0.1
  done
  for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && kill -KILL "$p" 2>/dev/null; done
  rm -f "$STATE_DIR/slurmd.pid" "$STATE_DIR/slurmctld.pid"
  [[ -n $quiet ]] || say "slurmctld and slurmd stopped"
}

stop() {
  stop_daemons
  # munged only if this script started it: a machine's own munge service stays.
  if [[ -e $STATE_DIR/munged.ours ]]; then
    if pid_alive "$MUNGE_PID"; then
      kill -TERM "$(cat "$MUNGE_PID")"
      say "munged stopped"
    fi
    rm -f "$STATE_DIR/munged.ours"
  fi
}

status() {
  if ! command -v scontrol >/dev/null; then echo "not installed (apt-get install -y slurm-wlm munge)"; exit 1; fi
  if ! cluster_up; then echo "down"; exit 1; fi
  local state
  state=$(node_state)
  case $state in
    idle | mixed | allocated | completing) echo "up: node $NODE $state" ;;
    *) echo "controller up, node $NODE ${state:-unknown}"; exit 1 ;;
  esac
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
