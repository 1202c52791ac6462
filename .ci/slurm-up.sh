#!/usr/bin/env bash
# Start a single-node SLURM cluster on this machine (Debian 12, root, no systemd).
#
# Idempotent: installs the Debian packages if missing, writes /etc/slurm/slurm.conf,
# creates the munge key if missing, starts munged, slurmctld and slurmd if they
# are not running, waits (max SLURM_UP_TIMEOUT s, default 60) until the node
# is idle and prints the partition name ("debug") on stdout as the last line.
#
# Knobs (environment):
#   SLURM_PARTITION     partition name                (default: debug)
#   SLURM_CPUS          CPUs of the node               (default: nproc)
#   SLURM_REAL_MEMORY   MB the node offers             (default: min(20000, 85% of detected))
#   SLURM_UP_TIMEOUT    seconds to wait for idle node  (default: 60)
#   SLURM_CLEAR_STATE   1 = start slurmctld with -c (forget old jobs; default 0)
set -euo pipefail

PARTITION=${SLURM_PARTITION:-debug}
TIMEOUT=${SLURM_UP_TIMEOUT:-60}
CONF=/etc/slurm/slurm.conf
STATE_DIR=/var/lib/slurm/slurmctld
SPOOL_DIR=/var/lib/slurm/slurmd
LOG_DIR=/var/log/slurm
CTLD_PID=/run/slurmctld.pid
SLURMD_PID=/run/slurmd.pid
MUNGE_PID=/run/munge/munged.pid
MUNGE_KEY=/etc/munge/munge.key

log() { echo "slurm-up: $*" >&2; }

if [[ $(id -u) -ne 0 ]]; then
    log "must run as root"; exit 1
fi

# ---------------------------------------------------------------- packages
need_pkgs=()
command -v munged >/dev/null 2>&1 || need_pkgs+=(munge)
command -v slurmctld >/dev/null 2>&1 || need_pkgs+=(slurmctld)
command -v slurmd >/dev/null 2>&1 || need_pkgs+=(slurmd)
command -v sbatch >/dev/null 2>&1 || need_pkgs+=(slurm-client)
if ((${#need_pkgs[@]})); then
    log "installing ${need_pkgs[*]}"
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y --no-install-recommends "${need_pkgs[@]}" >&2; then
        apt-get update >&2
        apt-get install -y --no-install-recommends "${need_pkgs[@]}" >&2
    fi
fi

# ---------------------------------------------------------------- helpers
# is_running PIDFILE COMM: true if the pid in PIDFILE is alive and is COMM
is_running() {
    local pidfile=$1 comm=$2 pid
    [[ -s $pidfile ]] || return 1
    pid=$(<"$pidfile")
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    [[ -r /proc/$pid/comm ]] || return 1
    [[ $(</proc/"$pid"/comm) == "$comm" ]] || return 1
    # a zombie (state Z) is not running
    [[ $(awk '{print $3}' /proc/"$pid"/stat 2>/dev/null) != Z ]]
}

# ---------------------------------------------------------------- config
NODE=$(hostname -s)
CPUS=${SLURM_CPUS:-$(nproc)}
if [[ -z ${SLURM_REAL_MEMORY:-} ]]; then
    detected=$(awk '/^MemTotal:/ {print int($2/1024)}' /proc/meminfo)
    SLURM_REAL_MEMORY=$((detected * 85 / 100))
    ((SLURM_REAL_MEMORY > 20000)) && SLURM_REAL_MEMORY=20000
fi

mkdir -p /etc/slurm "$STATE_DIR" "$SPOOL_DIR" "$LOG_DIR"

new_conf=$(mktemp)
trap 'rm -f "$new_conf"' EXIT
cat >"$new_conf" <<EOF
# Written by slurm-up.sh -- single-node cluster, no accounting, no cgroups.
ClusterName=local
SlurmctldHost=${NODE}(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
ReturnToService=2
SlurmctldPidFile=${CTLD_PID}
SlurmdPidFile=${SLURMD_PID}
SlurmctldPort=6817
SlurmdPort=6818
StateSaveLocation=${STATE_DIR}
SlurmdSpoolDir=${SPOOL_DIR}
SlurmctldLogFile=${LOG_DIR}/slurmctld.log
SlurmdLogFile=${LOG_DIR}/slurmd.log
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=1
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
# Keep finished jobs visible to squeue for 5 min: the Snakemake SLURM plugin
# polls job state with squeue (sacct does not work without slurmdbd).
MinJobAge=300
InactiveLimit=0
KillWait=5
Waittime=0
NodeName=${NODE} NodeAddr=127.0.0.1 CPUs=${CPUS} RealMemory=${SLURM_REAL_MEMORY} State=UNKNOWN
PartitionName=${PARTITION} Nodes=${NODE} Default=YES MaxTime=INFINITE State=UP
EOF

conf_changed=0
if ! cmp -s "$new_conf" "$CONF"; then
    install -m 0644 "$new_conf" "$CONF"
    conf_changed=1
    log "wrote $CONF"
fi

if ((conf_changed)) && { is_running "$CTLD_PID" slurmctld || is_running "$SLURMD_PID" slurmd; }; then
    log "config changed: restarting slurm daemons"
    "$(dirname "$(readlink -f "$0")")/slurm-down.sh" --keep-munge
fi

# ---------------------------------------------------------------- munge
if [[ ! -s $MUNGE_KEY ]]; then
    log "creating munge key"
    mkdir -p /etc/munge
    if command -v mungekey >/dev/null 2>&1; then
        mungekey --create --keyfile="$MUNGE_KEY" --force
    else
        dd if=/dev/urandom of="$MUNGE_KEY" bs=1 count=1024 status=none
    fi
fi
chown munge:munge /etc/munge "$MUNGE_KEY"
chmod 0700 /etc/munge
chmod 0400 "$MUNGE_KEY"
mkdir -p /run/munge /var/lib/munge /var/log/munge
chown munge:munge /run/munge /var/lib/munge /var/log/munge
chmod 0755 /run/munge

if ! is_running "$MUNGE_PID" munged; then
    log "starting munged"
    rm -f /run/munge/munge.socket.2 /run/munge/munge.socket.2.lock "$MUNGE_PID"
    runuser -u munge -- /usr/sbin/munged
fi
for _ in $(seq 50); do
    munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1 && break
    sleep 0.2
done
munge -n </dev/null | unmunge >/dev/null || { log "munge does not work"; exit 1; }

# ---------------------------------------------------------------- slurm
if ! is_running "$CTLD_PID" slurmctld; then
    log "starting slurmctld"
    ctld_args=()
    [[ ${SLURM_CLEAR_STATE:-0} == 1 ]] && ctld_args+=(-c)
    slurmctld "${ctld_args[@]}"
fi
# wait for the controller to answer before starting slurmd
for _ in $(seq 50); do
    scontrol ping >/dev/null 2>&1 && break
    sleep 0.2
done

if ! is_running "$SLURMD_PID" slurmd; then
    log "starting slurmd (node $NODE)"
    slurmd -N "$NODE"
fi

# ---------------------------------------------------------------- wait for idle
deadline=$((SECONDS + TIMEOUT))
resumed=0
while :; do
    state=$(sinfo -h -n "$NODE" -p "$PARTITION" -o '%t' 2>/dev/null | head -n1 || true)
    case $state in
        idle | mix | alloc | comp) break ;;
        down* | drain* | drng* | fail* | inval*)
            # e.g. left "down" in the saved state from an earlier run
            if ((!resumed)); then
                log "node state '$state': resuming"
                scontrol update nodename="$NODE" state=resume >/dev/null 2>&1 || true
                resumed=1
            fi
            ;;
    esac
    if ((SECONDS >= deadline)); then
        log "node $NODE not idle after ${TIMEOUT}s (state '${state:-?}')"
        sinfo >&2 || true
        tail -n 20 "$LOG_DIR/slurmctld.log" "$LOG_DIR/slurmd.log" >&2 || true
        exit 1
    fi
    sleep 0.5
done

sinfo >&2
echo "$PARTITION"
