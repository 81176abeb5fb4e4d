//! framecast-regress is the regression harness framecast runs on itself and users run on their
//! own compositions: it finds fixtures (`<dir>/<id>/{meta.json,src/index.html}`, HyperFrames'
//! layout and field names), renders each through `framecast-render`, and compares the result with
//! a committed golden render: frame count, duration, per-frame PSNR at up to 100 checkpoints,
//! and the audio's RMS envelope. It splits fixtures into CI shards balanced by recorded time and
//! writes a table, a JSON report and an HTML page with golden, new and difference images.
//!
//! It owns judging renders, not making them: nothing here captures, encodes or touches Chrome.
//! Goldens are only written with `--update`.

mod audio;
mod compare;
mod error;
mod fixture;
mod golden;
mod judge;
mod meta;
mod outcome;
mod probe;
mod report;
mod runner;
mod shard;

pub use audio::{AudioEnvelope, best_correlation, decode_envelope, envelope_of};
pub use compare::{CHECKPOINTS, PsnrSignal, checkpoint_frames, difference_image, psnr};
pub use error::RegressError;
pub use fixture::{Fixture, SKIP_TAG, discover};
pub use golden::{DEFAULT_MAX_GOLDEN_BYTES, GoldenError, GoldenPaths};
pub use meta::{FixtureMeta, RenderConfig};
pub use outcome::{
    AudioCheck, Checkpoint, CheckpointImages, FixtureOutcome, Pair, RunSummary, Status,
};
pub use probe::{MAX_DECODED_BYTES, decoded_size};
pub use report::{summary_table, write_png, write_report};
pub use runner::{RunOptions, run, select};
pub use shard::{ShardSpec, Timings, pack_shards, select_shard};
