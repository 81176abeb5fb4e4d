//! The job files `framecast plan --emit` writes into the plan folder, one set per engine. Each
//! runs `framecast render-chunk` once per chunk index, in parallel, then `framecast assemble`
//! once every chunk succeeded; the engine does the scheduling, retries and placement.

use std::path::Path;

use super::plan_dir::{Plan, short};

/// The batch engines framecast writes job files for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// `slurm.sbatch`: run with `bash`, it submits itself as a job array and the assemble job
    /// that depends on it.
    Slurm,
    /// `k8s.yaml` (an Indexed Job) and `k8s-assemble.yaml`, over a shared volume.
    Kubernetes,
    /// `github-workflow.yml`: a matrix over the chunk indices, then assemble.
    GitHub,
}

/// The files of `engine` for `plan`, whose folder is `plan_dir` (absolute): names and text.
pub(crate) fn job_files(engine: Engine, plan: &Plan, plan_dir: &Path) -> Vec<(String, String)> {
    let name = plan_dir.file_name().map_or_else(
        || "plan".to_string(),
        |name| name.to_string_lossy().into_owned(),
    );
    let format = plan
        .settings
        .output_format()
        .expect("a plan is made only for a chunked format");
    let output = match format.extension() {
        Some(extension) => format!("{name}.{extension}"),
        None => format!("{name}-frames"),
    };
    let context = JobContext {
        plan_dir: plan_dir.to_string_lossy().into_owned(),
        name,
        output,
        chunks: plan.chunks.len(),
        id: short(&plan.hash).to_string(),
    };
    match engine {
        Engine::Slurm => vec![("slurm.sbatch".to_string(), slurm(&context))],
        Engine::Kubernetes => vec![
            ("k8s.yaml".to_string(), kubernetes_chunks(&context)),
            (
                "k8s-assemble.yaml".to_string(),
                kubernetes_assemble(&context),
            ),
        ],
        Engine::GitHub => vec![("github-workflow.yml".to_string(), github(&context))],
    }
}

struct JobContext {
    plan_dir: String,
    /// The plan folder's name.
    name: String,
    /// The output's default name, beside the plan folder.
    output: String,
    chunks: usize,
    /// The start of the plan's hash, naming the jobs.
    id: String,
}

impl JobContext {
    fn parent(&self) -> String {
        Path::new(&self.plan_dir).parent().map_or_else(
            || ".".to_string(),
            |parent| parent.to_string_lossy().into_owned(),
        )
    }
}

fn slurm(job: &JobContext) -> String {
    let last = job.chunks - 1;
    let parent = job.parent();
    format!(
        r#"#!/bin/bash
# framecast chunked render, plan {id}: {chunks} chunks.
# Submit with: bash {plan}/slurm.sbatch [sbatch options, e.g. --partition=render]
# It submits a job array (one framecast render-chunk per chunk) and an assemble job that runs
# once every chunk succeeded. The plan and chunk folders must be on storage every node sees.
# FRAMECAST (the binary), FRAMECAST_CHUNKS, FRAMECAST_OUTPUT and FRAMECAST_CHUNK_ARGS (extra
# render-chunk flags, e.g. --workers 2) override the defaults below.
#SBATCH --job-name=framecast-{id}
#SBATCH --array=0-{last}
#SBATCH --cpus-per-task=2
set -euo pipefail
PLAN='{plan}'
CHUNKS="${{FRAMECAST_CHUNKS:-{parent}/{name}-chunks}}"
OUTPUT="${{FRAMECAST_OUTPUT:-{parent}/{output}}}"
FRAMECAST="${{FRAMECAST:-framecast}}"
if [ -z "${{SLURM_ARRAY_TASK_ID:-}}" ]; then
    mkdir -p "$CHUNKS"
    array=$(sbatch --parsable --output="$CHUNKS/slurm-%A_%a.log" "$@" "$0")
    array=${{array%%;*}}
    assemble=$(sbatch --parsable --dependency=afterok:"$array" --kill-on-invalid-dep=yes \
        --job-name=framecast-{id}-assemble --output="$CHUNKS/slurm-%j-assemble.log" "$@" \
        --wrap="exec '$FRAMECAST' assemble '$PLAN' '$CHUNKS' -o '$OUTPUT'")
    assemble=${{assemble%%;*}}
    echo "chunks: job $array (array 0-{last}); assemble: job $assemble -> $OUTPUT"
    exit 0
fi
# The chunk index comes from $SLURM_ARRAY_TASK_ID.
exec "$FRAMECAST" render-chunk "$PLAN" -o "$CHUNKS" ${{FRAMECAST_CHUNK_ARGS:-}}
"#,
        id = job.id,
        chunks = job.chunks,
        plan = job.plan_dir,
        name = job.name,
        output = job.output,
    )
}

/// The pod template both Kubernetes jobs share: the framecast image and the shared volume.
fn pod(job: &JobContext, container: &str, args: &str, cpu: &str) -> String {
    let _ = job;
    format!(
        r#"    spec:
      restartPolicy: Never
      containers:
        - name: {container}
          # An image with framecast and chrome-headless-shell (set your own).
          image: framecast:latest
          command: ["framecast"]
          args: [{args}]
          resources:
            requests:
              cpu: "{cpu}"
              memory: 2Gi
          volumeMounts:
            - name: work
              mountPath: /work
      volumes:
        - name: work
          # A ReadWriteMany claim holding the plan folder at /work/plan.
          persistentVolumeClaim:
            claimName: framecast-work
"#
    )
}

fn kubernetes_chunks(job: &JobContext) -> String {
    format!(
        r#"# framecast chunked render, plan {id}: {chunks} chunks as an Indexed Job.
# Copy the plan folder to the shared volume as /work/plan, then:
#   kubectl apply -f k8s.yaml
#   kubectl wait --for=condition=complete --timeout=24h job/framecast-{id}-chunks
#   kubectl apply -f k8s-assemble.yaml
# Each pod renders the chunk of its $JOB_COMPLETION_INDEX; a retried pod keeps a chunk already
# written for this plan.
apiVersion: batch/v1
kind: Job
metadata:
  name: framecast-{id}-chunks
  labels:
    app.kubernetes.io/name: framecast
spec:
  completionMode: Indexed
  completions: {chunks}
  parallelism: {chunks}
  backoffLimit: {retries}
  template:
{pod}"#,
        id = job.id,
        chunks = job.chunks,
        retries = job.chunks * 2,
        pod = pod(
            job,
            "render-chunk",
            r#""render-chunk", "/work/plan", "-o", "/work/chunks""#,
            "2"
        ),
    )
}

fn kubernetes_assemble(job: &JobContext) -> String {
    format!(
        r#"# framecast chunked render, plan {id}: joins the chunks of k8s.yaml into /work/{output}.
# Apply once job/framecast-{id}-chunks is complete.
apiVersion: batch/v1
kind: Job
metadata:
  name: framecast-{id}-assemble
  labels:
    app.kubernetes.io/name: framecast
spec:
  completions: 1
  backoffLimit: 2
  template:
{pod}"#,
        id = job.id,
        output = job.output,
        pod = pod(
            job,
            "assemble",
            &format!(
                r#""assemble", "/work/plan", "/work/chunks", "-o", "/work/{}""#,
                job.output
            ),
            "1"
        ),
    )
}

fn github(job: &JobContext) -> String {
    let indices: Vec<String> = (0..job.chunks).map(|index| index.to_string()).collect();
    format!(
        r#"# framecast chunked render, plan {id}: {chunks} chunks as a GitHub Actions matrix.
# Commit the plan folder as {name}/ at the repository's root and this file as
# .github/workflows/framecast-{id}.yml; set the repository variable FRAMECAST_IMAGE to an image
# with framecast and chrome-headless-shell. The video is uploaded as the artifact "video".
name: framecast render {id}
on: workflow_dispatch
jobs:
  render-chunk:
    runs-on: ubuntu-latest
    container: ${{{{ vars.FRAMECAST_IMAGE }}}}
    strategy:
      fail-fast: false
      matrix:
        index: [{indices}]
    steps:
      - uses: actions/checkout@v4
      - run: framecast render-chunk {name} --index ${{{{ matrix.index }}}} -o chunks
      - uses: actions/upload-artifact@v4
        with:
          name: chunk-${{{{ matrix.index }}}}
          path: chunks/
  assemble:
    needs: render-chunk
    runs-on: ubuntu-latest
    container: ${{{{ vars.FRAMECAST_IMAGE }}}}
    steps:
      - uses: actions/checkout@v4
      - uses: actions/download-artifact@v4
        with:
          pattern: chunk-*
          merge-multiple: true
          path: chunks
      - run: framecast assemble {name} chunks -o {output}
      - uses: actions/upload-artifact@v4
        with:
          name: video
          path: {output}
"#,
        id = job.id,
        chunks = job.chunks,
        name = job.name,
        output = job.output,
        indices = indices.join(", "),
    )
}
