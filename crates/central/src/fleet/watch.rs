//! The fleet watcher: a look at the database every second or two (see the
//! module doc of [`super`]); what changed goes out as server-sent events.

use std::time::Duration;

use tokio::task::JoinHandle;

use crate::error::AppError;
use crate::state::SharedState;

/// How often the fleet is looked at: often enough that a command-line change
/// reaches kiosks within seconds and silence is told soon after the
/// threshold, without a busy loop for a very short (test) threshold.
pub fn period(silent_after: Duration) -> Duration {
    (silent_after / 4).clamp(Duration::from_millis(100), Duration::from_secs(2))
}

/// Starts the watcher on the current Tokio runtime; `None` outside one.
pub fn spawn(state: SharedState) -> Option<JoinHandle<()>> {
    let handle = tokio::runtime::Handle::try_current().ok()?;
    Some(handle.spawn(async move {
        let every = period(state.fleet.silent_after);
        loop {
            tokio::time::sleep(every).await;
            if let Err(e) = look(&state) {
                tracing::warn!(error = %e, "fleet watcher: the database could not be read; trying again");
            }
        }
    }))
}

/// One look: controls changed elsewhere, notices expired, kiosks silent.
pub fn look(state: &SharedState) -> Result<(), AppError> {
    let now = state.clock.now();
    let conn = state.pool.get()?;
    let mut events = state.fleet.reload_if_changed(&conn, now)?;
    events.extend(state.fleet.expire(now));
    let rows = super::store::kiosks(&conn, None)?;
    events.extend(state.fleet.silent_changes(&rows, now));
    for event in events {
        tracing::debug!(event = event.name(), center = event.center(), "fleet change told");
        // No subscriber is fine: nobody is watching.
        let _ = state.events.send(event);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_period_follows_the_threshold_within_bounds() {
        assert_eq!(period(Duration::from_secs(120)), Duration::from_secs(2));
        assert_eq!(period(Duration::from_secs(2)), Duration::from_millis(500));
        assert_eq!(period(Duration::from_millis(10)), Duration::from_millis(100));
    }
}
