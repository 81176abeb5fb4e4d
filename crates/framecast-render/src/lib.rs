//! The render pipeline: compile the composition, plan its frames, capture them with N Chrome
//! workers, decode on a CPU pool, put frames back in order through a bounded reorder window,
//! encode, and publish the file atomically.
//!
//! This crate owns scheduling, ordering, back-pressure, cancellation and cleanup. Pixel math
//! lives in `framecast-media`/`framecast-blend`, Chrome in `framecast-browser`; nothing here
//! touches pixels beyond moving buffers between stages.

mod calibrate;
mod chrome_pool;
pub mod distributed;
mod error;
mod formats;
mod inspect;
mod job;
mod media_plan;
mod options;
mod pipeline;
mod plan;
mod progress;
mod publish;
mod remote;
mod reorder;
mod resolution;
mod snapshot;
mod still_camera;
mod transitions;
mod worker;

pub use calibrate::auto_workers_to_start;
pub use chrome_pool::ChromePool;
pub use error::{RenderError, Setting};
pub use inspect::{InspectOptions, Inspection, inspect};
pub use media_plan::{AudioMode, FrameCache};
pub use options::{BrowserSettings, FrameRange, MediaOptions, Quality, RenderOptions, WorkerCount};
pub use pipeline::{PreparedRender, RenderSummary, prepare, render, render_with_pool};
pub use plan::FramePlan;
pub use progress::{CancelFlag, ProgressEvent};
pub use publish::{
    FileKind, FolderKind, HLS_MANIFEST, OutputKind, PLAN_MANIFEST, PendingOutput, ReadSet,
    SEQUENCE_MANIFEST, write_file as publish_file,
};
pub use remote::RemotePolicy;
pub use reorder::{ReorderWindow, WindowClosed};
pub use resolution::Resolution;
pub use snapshot::{Snapshot, SnapshotOptions, Stills, snapshot, snapshot_file_name};
pub use still_camera::StillCamera;
