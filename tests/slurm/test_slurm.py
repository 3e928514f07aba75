"""Opt-in (ctest label `slurm`): a sweep on a real single-node Slurm cluster. Starts munge and a
slurmctld/slurmd pair on loopback (../shared/docs/toolchain.md §9), submits a 4-task job array of a
KERAS_3layer reuse x precision sweep (`--backend slurm --submit --wait`), and requires the merged rows
to equal the same sweep run locally; then loses one shard, resubmits only that array task, merges again
and requires the same rows. Exits 77 (ctest: skipped) with the reason when Slurm cannot be set up here
(not root, slurm-wlm or munge missing, daemons not coming up)."""
import csv
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

NNSIM = os.environ["NNSIM"]
SHARED = os.environ.get("NNSIM_SHARED_DIR", "../shared")
K3 = os.path.join(SHARED, "external_models", "keras", "KERAS_3layer.json")
SWEEP = ["--net", K3, "--sweep", "reuse,precision", "--no-plot", "-j", "1"]
VOLATILE = ("run", "compute_count", "seconds")


def skip(reason):
    print(f"SKIPPED: {reason}")
    sys.exit(77)


def rows(folder):
    with open(os.path.join(folder, "results.csv")) as f:
        return sorted([{k: v for k, v in r.items() if k not in VOLATILE} for r in csv.DictReader(f)],
                      key=lambda r: int(r["index"]))


def sh(cmd, **kw):
    return subprocess.run(cmd, shell=True, capture_output=True, text=True, **kw)


def start_munge():
    """Starts munged unless it runs; returns whether this test started it (and so stops it)."""
    if sh("munge -n | unmunge").returncode == 0:
        return False
    key = "/etc/munge/munge.key"
    for d in ("/etc/munge", "/run/munge", "/var/lib/munge", "/var/log/munge"):
        os.makedirs(d, exist_ok=True)
        shutil.chown(d, "munge", "munge")
    if not os.path.exists(key):
        with open(key, "wb") as f:
            f.write(os.urandom(1024))
        shutil.chown(key, "munge", "munge")
        os.chmod(key, 0o400)
    sh("su -s /bin/sh munge -c '/usr/sbin/munged --force'")
    for _ in range(20):
        if sh("munge -n | unmunge").returncode == 0:
            return True
        time.sleep(0.5)
    skip("munged does not start")


def start_slurm(tmp):
    host = socket.gethostname().split(".")[0]
    mem = int(int(open("/proc/meminfo").readline().split()[1]) / 1024 * 0.8)
    conf = os.path.join(tmp, "slurm.conf")
    for d in ("state", "spool", "log"):
        os.makedirs(os.path.join(tmp, d))
    with open(conf, "w") as f:
        f.write(f"""ClusterName=nnsim
SlurmctldHost={host}
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmctldPort=16817
SlurmdPort=16818
StateSaveLocation={tmp}/state
SlurmdSpoolDir={tmp}/spool
SlurmctldPidFile={tmp}/slurmctld.pid
SlurmdPidFile={tmp}/slurmd.pid
SlurmctldLogFile={tmp}/log/slurmctld.log
SlurmdLogFile={tmp}/log/slurmd.log
ReturnToService=2
NodeName={host} CPUs={os.cpu_count()} RealMemory={mem} State=UNKNOWN
PartitionName=nnsim Nodes={host} Default=YES MaxTime=INFINITE State=UP
""")
    os.environ["SLURM_CONF"] = conf
    if sh(f"slurmctld -f {conf}").returncode != 0 or sh(f"slurmd -f {conf}").returncode != 0:
        skip("slurmctld or slurmd does not start (see " + tmp + "/log)")
    for _ in range(60):
        state = sh("sinfo -h -o %T").stdout.strip()
        if state.startswith("idle"):
            return
        time.sleep(0.5)
    skip(f"the Slurm node is not idle after 30 s (state '{state}')")


def stop_slurm(tmp):
    pids = []
    for name in ("slurmd", "slurmctld"):
        try:
            with open(os.path.join(tmp, name + ".pid")) as f:
                pids.append(int(f.read().strip()))
            os.kill(pids[-1], signal.SIGTERM)
        except (OSError, ValueError):
            pass
    for _ in range(40):  # gone before the next run wants the ports
        if not any(os.path.exists(f"/proc/{p}") for p in pids):
            return
        time.sleep(0.25)


def main():
    if os.geteuid() != 0:
        skip("needs root to start munge and the Slurm daemons")
    for tool in ("slurmctld", "slurmd", "sbatch", "sinfo", "munged"):
        if shutil.which(tool) is None and not os.path.exists("/usr/sbin/" + tool):
            skip(f"{tool} is not installed (scripts/setup.sh installs slurm-wlm and munge when it can)")
    tmp = tempfile.mkdtemp(prefix="nnsim_slurm_")
    os.chmod(tmp, 0o755)
    started_munge = False
    try:
        started_munge = start_munge()
        start_slurm(tmp)
        local = os.path.join(tmp, "local")
        subprocess.run([NNSIM, *SWEEP, "--out", local], check=True, capture_output=True)
        out = os.path.join(tmp, "cluster")
        r = subprocess.run([NNSIM, *SWEEP, "--out", out, "--backend", "slurm", "--tasks", "4", "--submit", "--wait",
                            "--time", "10:00"], capture_output=True, text=True, timeout=600)
        assert r.returncode == 0, r.stdout + r.stderr
        assert rows(out) == rows(local), "the merged Slurm sweep differs from the local one"
        # One shard lost (a killed task): resubmit only that array task, merge again.
        shutil.rmtree(os.path.join(out, "shard-2"))
        r = sh(f"sbatch --wait --array=2 {out}/slurm_array.sh", timeout=600)
        assert r.returncode == 0, r.stdout + r.stderr
        merge = next(l for l in subprocess.run([NNSIM, *SWEEP, "--out", out, "--backend", "slurm", "--tasks", "4"],
                                               capture_output=True, text=True, check=True).stdout.splitlines()
                     if l.startswith("merge:"))[len("merge:"):].strip()
        r = sh(merge, timeout=600)
        assert r.returncode == 0, r.stdout + r.stderr
        assert rows(out) == rows(local), "the merge after resubmitting one shard differs"
        print("slurm: 4-task array merged equal to the local sweep, also after resubmitting one shard")
    finally:
        stop_slurm(tmp)
        if started_munge:
            sh("kill $(cat /run/munge/munged.pid)")
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
