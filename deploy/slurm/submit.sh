#!/usr/bin/env bash
# Submits an audiogen build to Slurm: a job array of N partitions (bake.sbatch) and a merge job (merge.sbatch)
# that starts only when every array task succeeded (--dependency=afterok). Prints both job ids.
#
#   deploy/slurm/submit.sh [-n PARTITIONS] [-c CPUS_PER_TASK] [-t THROTTLE] CONFIG OUT [-- SBATCH_OPTIONS...]
#
#   deploy/slurm/submit.sh -n 16 -c 8 /shared/kws.yaml /shared/baked/kws -- --partition=cpu --account=myproject
#
# -n: partitions (default 4), one array task each; -c: CPUs per task (default: bake.sbatch's --cpus-per-task),
# given to audiogen as --cores; -t: at most this many tasks at once (--array=0-N%T). SBATCH_OPTIONS go to both jobs.
# CONFIG and OUT are made absolute; both must be on storage every node sees (see bake.sbatch). The jobs get this
# shell's environment (AUDIOGEN, PATH): run it where `audiogen` works, or set AUDIOGEN.
# If a task fails the merge job is cancelled (its dependency can never be met): rerun that partition with
#   sbatch --array=I --export=ALL,AUDIOGEN_PARTITIONS=N deploy/slurm/bake.sbatch CONFIG OUT
# and then run `audiogen merge OUT` (or sbatch deploy/slurm/merge.sbatch OUT).
set -euo pipefail

usage() {
  sed -n '5p' "$0" | sed 's/^#   //' >&2
  exit 2
}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
partitions=4
cpus=
throttle=
while getopts 'n:c:t:h' opt; do
  case $opt in
    n) partitions=$OPTARG ;;
    c) cpus=$OPTARG ;;
    t) throttle=$OPTARG ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
[[ $partitions =~ ^[1-9][0-9]*$ ]] || { echo "submit.sh: -n expects a positive integer, got '$partitions'" >&2; exit 2; }
(($# >= 2)) || usage
config=$(realpath -e "$1") || { echo "submit.sh: config $1 not found" >&2; exit 2; }
out=$(realpath -m "$2")
shift 2
if (($# > 0)); then
  [[ $1 == -- ]] || usage
  shift
fi
extra=("$@")

array="0-$((partitions - 1))${throttle:+%$throttle}"
bake_opts=(--parsable --array="$array" --export="ALL,AUDIOGEN_PARTITIONS=$partitions")
[[ -z $cpus ]] || bake_opts+=(--cpus-per-task="$cpus")

# --parsable prints "jobid" or "jobid;cluster".
bake=$(sbatch "${bake_opts[@]}" "${extra[@]}" "$here/bake.sbatch" "$config" "$out")
bake=${bake%%;*}
merge=$(sbatch --parsable --dependency="afterok:$bake" --kill-on-invalid-dep=yes "${extra[@]}" "$here/merge.sbatch" "$out")
merge=${merge%%;*}

echo "bake array job: $bake ($partitions partitions: ${bake}_0 .. ${bake}_$((partitions - 1)))"
echo "merge job: $merge (after every bake task succeeds)"
echo "watch: squeue -j $bake,$merge; result: $out/manifest.json"
