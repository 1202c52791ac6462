#!/usr/bin/env bash
# Stop the single-node SLURM cluster started by slurm-up.sh.
# Cancels queued/running jobs, then stops slurmd, slurmctld and munged
# (munged is left running with --keep-munge). Stops only the processes named
# in the daemons' pid files. Safe to run when nothing is running.
set -euo pipefail

KEEP_MUNGE=0
[[ ${1:-} == --keep-munge ]] && KEEP_MUNGE=1

log() { echo "slurm-down: $*" >&2; }

# stop PIDFILE COMM: TERM the pid in PIDFILE if it is COMM, wait, then KILL
stop() {
    local pidfile=$1 comm=$2 pid
    [[ -s $pidfile ]] || return 0
    pid=$(<"$pidfile")
    if [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/comm && $(</proc/"$pid"/comm) == "$comm" ]]; then
        log "stopping $comm (pid $pid)"
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 50); do
            [[ -e /proc/$pid ]] || break
            # a zombie (state Z) is as good as gone
            [[ $(awk '{print $3}' /proc/"$pid"/stat 2>/dev/null) == Z ]] && break
            sleep 0.2
        done
        if [[ -e /proc/$pid && $(awk '{print $3}' /proc/"$pid"/stat 2>/dev/null) != Z ]]; then
            log "$comm did not stop, killing"
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    rm -f "$pidfile"
}

if command -v scancel >/dev/null 2>&1 && scontrol ping >/dev/null 2>&1; then
    jobs=$(squeue -h -o '%i' 2>/dev/null || true)
    if [[ -n $jobs ]]; then
        log "cancelling jobs: $(echo $jobs)"
        # shellcheck disable=SC2086
        scancel $jobs 2>/dev/null || true
        for _ in $(seq 25); do
            [[ -z $(squeue -h -t running,completing -o '%i' 2>/dev/null) ]] && break
            sleep 0.2
        done
    fi
fi

stop /run/slurmd.pid slurmd
stop /run/slurmctld.pid slurmctld
if ((!KEEP_MUNGE)); then
    stop /run/munge/munged.pid munged
fi
log "done"
