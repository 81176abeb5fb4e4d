//! Chunked renders end to end with real Chrome and FFmpeg: `framecast plan` → `render-chunk`
//! per index → `assemble`, compared with a single-process render frame by frame; chunks of
//! another plan, missing and killed chunks; retries byte-identical; the emitted job files, and
//! a real single-host Slurm running the emitted array job.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use support::{TestDir, assert_success, decode, psnr};

/// 320x180, 3 s at 30 fps: a gradient box moving and turning (every frame differs) over a
/// tone that starts at 0.5 s.
const MOTION: &str = r##"<!doctype html>
<html><head><script src="gsap.min.js"></script><style>
* { margin: 0; padding: 0; } html, body { width: 320px; height: 180px; overflow: hidden; background: #102030; }
#box { position: absolute; top: 60px; left: 0; width: 48px; height: 48px; background: linear-gradient(90deg, #f80, #0cf); border-radius: 8px; }
</style></head><body>
<div id="root" data-composition-id="motion" data-width="320" data-height="180" data-duration="3" data-fps="30">
<div id="box"></div><audio id="tone" src="tone.wav" data-start="0.5"></audio></div>
<script>
window.__timelines = window.__timelines || {};
const tl = gsap.timeline({ paused: true });
tl.fromTo("#box", { x: 0, rotation: 0 }, { x: 260, rotation: 360, duration: 3, ease: "none" }, 0);
window.__timelines["motion"] = tl;
</script></body></html>"##;

fn motion(test: &TestDir) -> PathBuf {
    let input = test.composition("motion", MOTION);
    let status = Command::new("ffmpeg")
        .args([
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:duration=5",
        ])
        .arg(input.join("tone.wav"))
        .status()
        .expect("ffmpeg should run");
    assert!(status.success());
    input
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn plan(test: &TestDir, input: &Path, plan: &Path, extra: &[&str]) {
    // A low CRF: the chunked and the single render encode the same captures, but a chunk's
    // first frame is an IDR where the single render predicts it, which at draft's CRF 28
    // alone costs about 46 dB.
    let mut args = vec![
        "plan",
        s(input),
        "-o",
        s(plan),
        "--quality",
        "draft",
        "--crf",
        "10",
    ];
    args.extend_from_slice(extra);
    assert_success(&test.framecast(&args));
}

fn render_chunk(test: &TestDir, plan: &Path, index: usize, chunks: &Path) {
    let index = index.to_string();
    assert_success(&test.framecast(&[
        "render-chunk",
        s(plan),
        "--index",
        &index,
        "-o",
        s(chunks),
        "--workers",
        "1",
    ]));
}

/// Stereo samples at 48 kHz, decoded by the ffmpeg CLI.
fn audio_seconds(path: &Path) -> f64 {
    let output = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(path)
        .args(["-f", "f32le", "-ac", "2", "-ar", "48000", "-"])
        .output()
        .expect("ffmpeg should run");
    assert!(output.status.success());
    output.stdout.len() as f64 / 8.0 / 48_000.0
}

fn container_duration(path: &Path) -> f64 {
    let output = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_entries",
            "format=duration",
            "-of",
            "csv=p=0",
        ])
        .arg(path)
        .output()
        .expect("ffprobe should run");
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .unwrap()
}

/// Frames whose `key_frame` flag is set.
fn keyframes(path: &Path) -> Vec<usize> {
    let output = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-select_streams",
            "v",
            "-show_entries",
            "frame=key_frame",
            "-of",
            "csv=p=0",
        ])
        .arg(path)
        .output()
        .expect("ffprobe should run");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        // A frame with side data is followed by an empty line for it.
        .filter(|line| !line.trim().is_empty())
        .enumerate()
        .filter(|(_, line)| line.split(',').next() == Some("1"))
        .map(|(index, _)| index)
        .collect()
}

/// The assembled video matches the single render: frame count, duration, every frame at
/// 50 dB or better, audio exactly as long.
fn assert_matches_single(chunked: &Path, single: &Path, frames: usize, seconds: f64) {
    let (a, b) = (decode(chunked), decode(single));
    assert_eq!(a.frames.len(), frames, "chunked frame count");
    assert_eq!(b.frames.len(), frames, "single frame count");
    for (index, (x, y)) in a.frames.iter().zip(&b.frames).enumerate() {
        let db = psnr(x, y);
        assert!(db >= 50.0, "frame {index}: {db:.1} dB");
    }
    assert!((container_duration(chunked) - seconds).abs() < 1e-3);
    assert!((container_duration(chunked) - container_duration(single)).abs() < 1e-3);
    let (audio_a, audio_b) = (audio_seconds(chunked), audio_seconds(single));
    assert!((audio_a - seconds).abs() < 0.025, "{audio_a} s of audio");
    assert_eq!(
        audio_a, audio_b,
        "the same audio length as the single render"
    );
}

#[test]
fn chunks_assemble_into_the_single_render() {
    let test = TestDir::new();
    let input = motion(&test);
    let single = test.path("single.mp4");
    assert_success(&test.render(
        &input,
        &single,
        &["--quality", "draft", "--crf", "10", "--workers", "1"],
    ));
    let plan_dir = test.path("plan");
    plan(&test, &input, &plan_dir, &["--chunks", "4"]);
    let chunks = test.path("chunks");
    for index in 0..4 {
        render_chunk(&test, &plan_dir, index, &chunks);
    }
    let chunk = chunks.join("chunk_0001.mp4");
    assert_eq!(
        keyframes(&chunk),
        [0],
        "a chunk is one closed GOP from its first frame"
    );

    // A retry renders the same bytes; an existing valid chunk is kept.
    let retried = test.path("retried");
    render_chunk(&test, &plan_dir, 1, &retried);
    assert_eq!(
        std::fs::read(retried.join("chunk_0001.mp4")).unwrap(),
        std::fs::read(&chunk).unwrap(),
        "a retried chunk is byte-identical"
    );
    let kept = test.framecast(&["render-chunk", s(&plan_dir), "-o", s(&chunks)]);
    assert!(!kept.status.success(), "no index, no environment: refused");
    let kept = Command::new(env!("CARGO_BIN_EXE_framecast"))
        .args(["render-chunk", s(&plan_dir), "-o", s(&chunks)])
        .env("SLURM_ARRAY_TASK_ID", "2")
        .output()
        .unwrap();
    assert_success(&kept);
    assert!(String::from_utf8_lossy(&kept.stdout).contains("chunk 2: kept"));

    let output = test.path("out.mp4");
    assert_success(&test.framecast(&["assemble", s(&plan_dir), s(&chunks), "-o", s(&output)]));
    // Chunks start at frames 0, 23, 46, 69 and each on a keyframe.
    let keys = keyframes(&output);
    for start in [0, 23, 46, 69] {
        assert!(keys.contains(&start), "{keys:?}");
    }
    assert_matches_single(&output, &single, 90, 3.0);
    assert!(test.settle_and_list_leftovers().is_empty());
}

#[test]
fn foreign_and_missing_chunks_are_named_and_nothing_is_written() {
    let test = TestDir::new();
    let input = motion(&test);
    let (plan_a, plan_b) = (test.path("plan-a"), test.path("plan-b"));
    plan(&test, &input, &plan_a, &["--chunk-frames", "45"]);
    // Another plan of the same composition (another capture quality): its chunks are not
    // this plan's.
    plan(
        &test,
        &input,
        &plan_b,
        &["--chunk-frames", "45", "--jpeg-quality", "90"],
    );
    let chunks = test.path("chunks");
    render_chunk(&test, &plan_b, 0, &chunks);
    let output = test.path("out.mp4");
    let result = test.framecast(&["assemble", s(&plan_a), s(&chunks), "-o", s(&output)]);
    assert!(!result.status.success());
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        stderr.contains("chunk 0 (chunk_0000.mp4) belongs to another plan"),
        "{stderr}"
    );
    assert!(
        stderr.contains("chunk 1 (chunk_0001.mp4, frames 45 to 89) is missing"),
        "{stderr}"
    );
    assert!(!output.exists());
    // A plan is made only into a new folder.
    let again = test.framecast(&["plan", s(&input), "-o", s(&plan_a)]);
    assert!(!again.status.success());
    assert!(plan_a.join("plan.json").is_file());
}

#[test]
fn a_chunk_killed_mid_render_leaves_no_chunk() {
    let test = TestDir::new();
    let input = motion(&test);
    let plan_dir = test.path("plan");
    plan(&test, &input, &plan_dir, &["--chunks", "1"]);
    let chunks = test.path("chunks");
    for signal in [libc::SIGTERM, libc::SIGKILL] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_framecast"))
            .args([
                "render-chunk",
                s(&plan_dir),
                "--index",
                "0",
                "-o",
                s(&chunks),
                "--json",
            ])
            .env("TMPDIR", test.path("tmp"))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Killed once frames are being encoded.
        let stdout = child.stdout.take().unwrap();
        let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stdout));
        assert!(
            lines.any(|line| line.unwrap().contains("\"frame\"")),
            "no frame event"
        );
        // SAFETY: a plain kill(2) of the child this test started.
        unsafe { libc::kill(child.id() as i32, signal) };
        child.wait().unwrap();
        assert!(!chunks.join("chunk_0000.mp4").exists(), "signal {signal}");
        assert!(!chunks.join("chunk_0000.json").exists(), "signal {signal}");
        if signal == libc::SIGKILL {
            // Chrome dies with its parent; give the kernel a moment.
            std::thread::sleep(Duration::from_millis(500));
        }
    }
    let output = test.path("out.mp4");
    let result = test.framecast(&["assemble", s(&plan_dir), s(&chunks), "-o", s(&output)]);
    assert!(String::from_utf8_lossy(&result.stderr).contains("is missing"));
}

#[test]
fn emitted_jobs_are_valid_for_their_engines() {
    let test = TestDir::new();
    let input = motion(&test);
    let plan_dir = test.path("plan");
    plan(
        &test,
        &input,
        &plan_dir,
        &[
            "--chunks", "3", "--emit", "slurm", "--emit", "k8s", "--emit", "github",
        ],
    );
    let sbatch = std::fs::read_to_string(plan_dir.join("slurm.sbatch")).unwrap();
    assert!(sbatch.contains("#SBATCH --array=0-2"), "{sbatch}");
    assert!(sbatch.contains("--dependency=afterok:"), "{sbatch}");
    let syntax = Command::new("bash")
        .arg("-n")
        .arg(plan_dir.join("slurm.sbatch"))
        .status();
    assert!(syntax.unwrap().success());
    // `kubectl create --dry-run=client` needs an API server for discovery; `label --local`
    // decodes the manifest into its typed object with none.
    if which("kubectl") {
        for (file, expected) in [("k8s.yaml", "Indexed 3"), ("k8s-assemble.yaml", " 1")] {
            let output = Command::new("kubectl")
                .args(["label", "--local", "-f"])
                .arg(plan_dir.join(file))
                .args([
                    "checked=yes",
                    "-o",
                    "jsonpath={.kind} {.spec.completionMode} {.spec.completions}",
                ])
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&output.stdout);
            assert!(
                output.status.success(),
                "{file}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            assert!(
                text.starts_with("Job") && text.ends_with(expected),
                "{file}: {text}"
            );
        }
    } else {
        eprintln!("kubectl is not installed (scripts/setup installs it): manifests not validated");
    }
    let workflow = std::fs::read_to_string(plan_dir.join("github-workflow.yml")).unwrap();
    assert!(workflow.contains("index: [0, 1, 2]"), "{workflow}");
    assert!(
        workflow.contains("framecast assemble plan chunks -o plan.mp4"),
        "{workflow}"
    );
}

fn which(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|output| output.status.success())
}

/// A single-host Slurm (munged, slurmctld, slurmd) in a temp dir, stopped when dropped.
struct LocalSlurm {
    dir: PathBuf,
    conf: PathBuf,
    /// The pid file of munged when this test started it (and so stops it).
    munged: Option<PathBuf>,
}

impl LocalSlurm {
    fn start(dir: &Path) -> Result<LocalSlurm, String> {
        for program in ["slurmctld", "slurmd", "sbatch", "munged"] {
            if !which(program) && !Path::new("/usr/sbin").join(program).exists() {
                return Err(format!(
                    "{program} is not installed (scripts/setup installs slurm-wlm and munge)"
                ));
            }
        }
        if unsafe { libc::geteuid() } != 0 {
            return Err("a local Slurm runs as root here, and this test is not root".to_string());
        }
        let sh = |script: &str| {
            Command::new("sh")
                .args(["-c", script])
                .output()
                .map(|output| {
                    (
                        output.status.success(),
                        String::from_utf8_lossy(&output.stderr).into_owned(),
                    )
                })
                .unwrap_or((false, String::new()))
        };
        let mut munged = None;
        if !sh("munge -n | unmunge >/dev/null 2>&1").0 {
            munged = Some(PathBuf::from("/run/munge/munged.pid"));
            let started = sh(
                "mkdir -p /run/munge && chown munge:munge /run/munge && runuser -u munge -- /usr/sbin/munged",
            );
            if !started.0 || !sh("sleep 0.5; munge -n | unmunge").0 {
                return Err(format!("munged does not start: {}", started.1));
            }
        }
        for sub in ["state", "spool", "run", "log"] {
            std::fs::create_dir_all(dir.join(sub)).unwrap();
        }
        let host = String::from_utf8(Command::new("hostname").output().unwrap().stdout)
            .unwrap()
            .trim()
            .to_string();
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap();
        let total_kib: u64 = meminfo
            .lines()
            .find(|line| line.starts_with("MemTotal:"))
            .and_then(|line| line.split_whitespace().nth(1))
            .and_then(|kib| kib.parse().ok())
            .unwrap();
        let memory = total_kib / 1024 * 9 / 10;
        let port = |offset: u16| 20000 + (std::process::id() % 20000) as u16 + offset;
        let d = dir.display();
        let conf = dir.join("slurm.conf");
        std::fs::write(
            &conf,
            format!(
                "ClusterName=local\nSlurmctldHost={host}\nSlurmUser=root\nSlurmdUser=root\nAuthType=auth/munge\n\
                 StateSaveLocation={d}/state\nSlurmdSpoolDir={d}/spool\nSlurmctldPidFile={d}/run/slurmctld.pid\n\
                 SlurmdPidFile={d}/run/slurmd.pid\nSlurmctldLogFile={d}/log/slurmctld.log\nSlurmdLogFile={d}/log/slurmd.log\n\
                 ProctrackType=proctrack/linuxproc\nTaskPlugin=task/none\nJobAcctGatherType=jobacct_gather/none\n\
                 SelectType=select/cons_tres\nSelectTypeParameters=CR_Core\nSlurmctldPort={}\nSlurmdPort={}\n\
                 ReturnToService=2\nNodeName={host} CPUs={cpus} RealMemory={memory} State=UNKNOWN\n\
                 PartitionName=local Nodes={host} Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES\n",
                port(0),
                port(1)
            ),
        )
        .unwrap();
        let slurm = LocalSlurm {
            dir: dir.to_path_buf(),
            conf,
            munged,
        };
        for daemon in ["/usr/sbin/slurmctld", "/usr/sbin/slurmd"] {
            let status = Command::new(daemon).arg("-f").arg(&slurm.conf).status();
            if !status.is_ok_and(|status| status.success()) {
                return Err(format!("{daemon} does not start; see {d}/log"));
            }
        }
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            let state = slurm.client("sinfo", &["-h", "-o", "%T"]);
            if state.trim() == "idle" {
                return Ok(slurm);
            }
            std::thread::sleep(Duration::from_millis(500));
        }
        Err(format!("the Slurm node never became idle; see {d}/log"))
    }

    fn client(&self, program: &str, args: &[&str]) -> String {
        let output = Command::new(program)
            .args(args)
            .env("SLURM_CONF", &self.conf)
            .output()
            .expect("the Slurm client should run");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    fn wait_for_empty_queue(&self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if self.client("squeue", &["-h"]).trim().is_empty() {
                return;
            }
            std::thread::sleep(Duration::from_secs(1));
        }
        panic!("the Slurm jobs did not finish in {timeout:?}");
    }
}

impl Drop for LocalSlurm {
    fn drop(&mut self) {
        // By the pids in their pid files, never by name: slurmd first, then slurmctld.
        let run = self.dir.join("run");
        let pid_files = [run.join("slurmd.pid"), run.join("slurmctld.pid")];
        for pid_file in pid_files.iter().chain(&self.munged) {
            let Ok(pid) = std::fs::read_to_string(pid_file) else {
                continue;
            };
            let Ok(pid) = pid.trim().parse::<i32>() else {
                continue;
            };
            // SAFETY: plain kill(2) of a daemon this test started.
            unsafe { libc::kill(pid, libc::SIGTERM) };
            for _ in 0..50 {
                // SAFETY: signal 0 only checks that the process exists.
                if unsafe { libc::kill(pid, 0) } != 0 {
                    break;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }
}

#[test]
fn a_local_slurm_runs_the_emitted_array_job() {
    let test = TestDir::new();
    let slurm = match LocalSlurm::start(&test.path("slurm")) {
        Ok(slurm) => slurm,
        Err(reason) => {
            eprintln!("SKIPPED: no local Slurm: {reason}");
            return;
        }
    };
    let input = motion(&test);
    let single = test.path("single.mp4");
    assert_success(&test.render(
        &input,
        &single,
        &["--quality", "draft", "--crf", "10", "--workers", "1"],
    ));
    let plan_dir = test.path("plan");
    plan(
        &test,
        &input,
        &plan_dir,
        &["--chunks", "4", "--emit", "slurm"],
    );
    let output = test.path("plan.mp4");
    let submitted = Command::new("bash")
        .arg(plan_dir.join("slurm.sbatch"))
        .arg("--cpus-per-task=1")
        .env("SLURM_CONF", &slurm.conf)
        .env("FRAMECAST", env!("CARGO_BIN_EXE_framecast"))
        .env("FRAMECAST_CHUNK_ARGS", "--workers 1")
        .env("TMPDIR", test.path("tmp"))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&submitted.stdout);
    println!("{said}{}", String::from_utf8_lossy(&submitted.stderr));
    assert!(submitted.status.success() && said.contains("assemble: job"));
    slurm.wait_for_empty_queue(Duration::from_secs(600));
    let chunks = test.path("plan-chunks");
    let mut logs: Vec<_> = std::fs::read_dir(&chunks)
        .unwrap()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "log"))
        .collect();
    logs.sort();
    for log in &logs {
        println!(
            "--- {}\n{}",
            log.display(),
            std::fs::read_to_string(log).unwrap()
        );
    }
    assert_eq!(
        logs.len(),
        5,
        "four chunk tasks and the assemble job logged"
    );
    assert!(
        output.is_file(),
        "the assemble job wrote {}",
        output.display()
    );
    assert_matches_single(&output, &single, 90, 3.0);
    drop(slurm);
    assert!(test.settle_and_list_leftovers().is_empty());
}
