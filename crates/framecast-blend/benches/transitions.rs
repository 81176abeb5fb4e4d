//! Blend time per 1920x1080 frame for every transition: `cargo bench -p framecast-blend`.
//!
//! Prints figures and asserts nothing about them. "prepare" is the wall time of
//! `framecast_blend::prepare`, which computes the transition's cached noise fields once per
//! frame size (nothing for transitions without any); "wall" and "cpu" are
//! medians over calls at progress 0.1 .. 0.9 (the steady state of a transition spanning many
//! frames), in `BENCH_ROUNDS` rounds over all the transitions (default 3): wall-clock time, and
//! CPU time summed over all threads, which other processes on a busy machine disturb much less
//! (on idle cores, wall is about cpu / threads). The median of each round follows.

use std::hint::black_box;
use std::time::{Duration, Instant};

use framecast_blend::{Accent, Transition, blend_rgba, prepare};

const WIDTH: usize = 1920;
const HEIGHT: usize = 1080;
const RUNS: usize = 9;

fn scene(seed: u32) -> Vec<u8> {
    let mut rgba = Vec::with_capacity(WIDTH * HEIGHT * 4);
    for y in 0..HEIGHT {
        for x in 0..WIDTH {
            let check = ((x / 60 + y / 60) as u32 + seed) % 2 == 0;
            let pixel = if check {
                [
                    (x * 255 / WIDTH) as u8,
                    (y * 255 / HEIGHT) as u8,
                    90 + seed as u8 * 80,
                    255,
                ]
            } else {
                [30, 40 + seed as u8 * 100, (x * 7 % 256) as u8, 255]
            };
            rgba.extend_from_slice(&pixel);
        }
    }
    rgba
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// CPU time of the whole process, all threads.
fn cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "should read the process CPU clock");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

fn main() {
    let (from, to) = (scene(0), scene(1));
    let mut out = vec![0u8; WIDTH * HEIGHT * 4];
    let accent = Accent::DEFAULT;
    // `BENCH_ONLY=glitch,whip-pan` times just those.
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    let transitions: Vec<Transition> = Transition::ALL
        .into_iter()
        .filter(|t| only.is_empty() || only.split(',').any(|name| name == t.name()))
        .collect();
    // Rounds over all the transitions, so that a burst of load from elsewhere on the machine
    // falls on one round of several transitions rather than on all of one transition's calls.
    let rounds: usize = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|rounds| rounds.parse().ok())
        .unwrap_or(3)
        .max(1);
    println!(
        "blend_rgba {WIDTH}x{HEIGHT}, {} rayon threads, {rounds} rounds of {RUNS} calls",
        rayon::current_num_threads()
    );
    println!(
        "{:<20} {:>10} {:>9} {:>9}  wall ms per round",
        "transition", "prepare ms", "wall ms", "cpu ms"
    );
    let prepared: Vec<Duration> = transitions
        .iter()
        .map(|&transition| {
            let start = Instant::now();
            prepare(transition, WIDTH, HEIGHT);
            start.elapsed()
        })
        .collect();
    let mut times = vec![(Vec::new(), Vec::new()); transitions.len()];
    for _ in 0..rounds {
        for (&transition, (wall, cpu)) in transitions.iter().zip(&mut times) {
            // One untimed call: the first touches the output and scratch pages, and brings
            // this transition's fields back into the caches.
            blend_rgba(
                transition, &from, &to, WIDTH, HEIGHT, 0.5, &accent, &mut out,
            )
            .expect("should blend");
            for i in 0..RUNS {
                let p = 0.1 + 0.8 * i as f32 / (RUNS - 1) as f32;
                let (start, start_cpu) = (Instant::now(), cpu_time());
                blend_rgba(transition, &from, &to, WIDTH, HEIGHT, p, &accent, &mut out)
                    .expect("should blend");
                black_box(&out);
                wall.push(start.elapsed());
                cpu.push(cpu_time() - start_cpu);
            }
        }
    }
    for ((transition, prepared), (wall, cpu)) in transitions.iter().zip(prepared).zip(times) {
        let per_round: Vec<String> = wall
            .chunks(RUNS)
            .map(|round| format!("{:.1}", ms(median(round))))
            .collect();
        println!(
            "{:<20} {:>10.1} {:>9.1} {:>9.1}  {}",
            transition.name(),
            ms(prepared),
            ms(median(&wall)),
            ms(median(&cpu)),
            per_round.join(" ")
        );
    }
}

fn median(times: &[Duration]) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    sorted[sorted.len() / 2]
}
