//! The single writer: every change goes through one thread that batches the
//! requests waiting at that moment into one transaction and commits it with
//! `synchronous=FULL` (one fsync for the batch) before anyone is answered.
//! A ticket answered 201 is on disk; under load, 64 kiosks share one fsync.
//! Each request runs inside its own savepoint, so one refusal never undoes
//! another kiosk's ticket.

//!
//! Batching lives here; each command has its own file. What can be checked
//! without the database is checked by pure `validate` functions that the
//! handlers call before queueing, so the writer only sees well-formed requests.

pub mod booking;
pub(crate) mod calls;
pub mod dossier;
mod issue;
mod rating;

use std::sync::{Arc, RwLock, mpsc};
use std::thread;

use jiff::Timestamp;
use motcua_domain::DossierCode;
use motcua_domain::api::{IssueTicketRequest, PutDossierRequest, RatingRequest};
use motcua_domain::sources::WriteOutcome;
use motcua_domain::staff::TransferRequest;
use rusqlite::{Connection, TransactionBehavior};
use tokio::sync::oneshot;
use uuid::Uuid;

pub use calls::{Actor, normalise_number, validate_call_number, validate_transfer};
pub use dossier::{DossierContent, DossierRecord, SourceKind, Ties, validate as validate_dossier};
pub use issue::{check_kiosk_id, validate as validate_issue};
pub use rating::validate as validate_rating;

use crate::catalog::{CatalogCache, CenterCatalog};
use crate::clock::Clock;
use crate::error::AppError;
use crate::queue_rules::QueueIndex;
use crate::tickets::TicketRow;

/// A change to make.
pub enum Command {
    /// Issue a ticket (idempotent by `key`).
    Issue {
        /// The kiosk's center, with the service's hours and daily cap.
        cat: Arc<CenterCatalog>,
        /// What the kiosk asked for, already validated.
        req: IssueTicketRequest,
        /// The `Idempotency-Key`: a retry with it gets the same ticket.
        key: String,
    },
    /// A counter calls its next ticket.
    CallNext {
        /// The counter's center.
        cat: Arc<CenterCatalog>,
        /// The counter that calls.
        counter_id: String,
        /// Who calls; must be assigned to the counter.
        actor: Actor,
    },
    /// A counter calls a given number out of order.
    CallNumber {
        /// The counter's center.
        cat: Arc<CenterCatalog>,
        /// The counter that calls.
        counter_id: String,
        /// The number as typed at the console (`B12` finds `B012`).
        number: String,
        /// Why it is called out of order, kept with the call.
        reason: String,
        /// Who calls; must be assigned to the counter.
        actor: Actor,
    },
    /// Serve, no-show or recall a called ticket.
    Transition {
        /// The ticket's center.
        cat: Arc<CenterCatalog>,
        /// The ticket's lookup token.
        token: String,
        /// What happens to it.
        action: Transition,
        /// Who acts; must be assigned to the counter that called it.
        actor: Actor,
    },
    /// Send a ticket to another service or counter.
    Transfer {
        /// The ticket's center.
        cat: Arc<CenterCatalog>,
        /// The ticket's lookup token.
        token: String,
        /// Where it goes.
        req: TransferRequest,
        /// Who sends it; must be assigned to the counter that called it.
        actor: Actor,
    },
    /// Pause (true) or resume a counter.
    Pause {
        /// The counter's center.
        cat: Arc<CenterCatalog>,
        /// The counter to pause or resume.
        counter_id: String,
        /// True to pause (Tạm nghỉ), false to resume.
        paused: bool,
        /// Who acts; must be assigned to the counter.
        actor: Actor,
    },
    /// Write a dossier.
    PutDossier {
        /// The center that received the dossier.
        center: String,
        /// Its dossier code, already parsed.
        code: DossierCode,
        /// Its procedure, applicant, status and due date; a new status adds a history step.
        req: PutDossierRequest,
        /// The token's name, recorded with the change.
        actor: String,
    },
    /// Write dossiers from a source (a pushed batch) in order, each in its own
    /// savepoint; a source record wins a tie only by its content hash.
    PutDossiers {
        /// The records, already mapped and checked.
        records: Vec<DossierRecord>,
    },
    /// Store a rating (idempotent by `key` when the kiosk sends one).
    Rate {
        /// The center whose kiosk took the rating.
        center: String,
        /// The rating, already validated.
        req: RatingRequest,
        /// The `Idempotency-Key`: a retry with it is counted once.
        key: Option<String>,
    },
    /// Check a booking in at a kiosk: issue its appointment ticket.
    CheckIn {
        /// The kiosk's center.
        cat: Arc<CenterCatalog>,
        /// The booking code, in its shown form.
        code: String,
        /// The kiosk that checks in.
        kiosk_id: String,
    },
    /// Anything else that must go through the one writer (accounts, sessions):
    /// a function of the transaction; its result comes back as `Outcome::Done`.
    Exec(Box<ExecFn>),
}

/// A function the writer runs inside the batch transaction.
pub type ExecFn = dyn FnOnce(&Connection, Timestamp) -> Result<Box<dyn std::any::Any + Send>, AppError> + Send;

impl std::fmt::Debug for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = match self {
            Self::Issue { .. } => "Issue",
            Self::CallNext { .. } => "CallNext",
            Self::CallNumber { .. } => "CallNumber",
            Self::Transition { .. } => "Transition",
            Self::Transfer { .. } => "Transfer",
            Self::Pause { .. } => "Pause",
            Self::PutDossier { .. } => "PutDossier",
            Self::PutDossiers { .. } => "PutDossiers",
            Self::Rate { .. } => "Rate",
            Self::CheckIn { .. } => "CheckIn",
            Self::Exec(_) => "Exec",
        };
        f.write_str(name)
    }
}

/// A staff action on a called ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// The citizen was served; the counter is free.
    Serve,
    /// The citizen did not come (vắng mặt); the number can still be called out of order.
    NoShow,
    /// Call the same ticket again, on the board and in the voice.
    Recall,
}

/// What a change gave.
pub enum Outcome {
    /// A ticket; `created` is false when an idempotent retry found it.
    Ticket {
        /// The ticket as stored.
        row: TicketRow,
        /// False when an idempotent retry found the ticket already issued.
        created: bool,
        /// It took the number of the offline slip just delivered for its tap.
        renumbered: bool,
    },
    /// The ticket a counter called and the call's id, if anyone was waiting.
    Called(Option<(TicketRow, Uuid)>),
    /// A staff transition; a recall gives its call id.
    Transitioned(TicketRow, Option<Uuid>),
    /// A transferred ticket, and where it was.
    Transferred {
        /// The ticket as it is now.
        row: TicketRow,
        /// The service it waited in.
        from_service: String,
        /// The counter that had called it.
        from_counter: Option<String>,
    },
    /// The counter is now paused (true) or open.
    Paused(bool),
    /// A dossier was written; `created` if it is new.
    Dossier {
        /// It is new.
        created: bool,
    },
    /// Each record's outcome, at its place; an error is that record's alone.
    Dossiers(Vec<Result<WriteOutcome, AppError>>),
    /// A rating's id; `created` is false when an idempotent retry found it.
    Rated {
        /// The rating's id.
        id: Uuid,
        /// False when a retry with the same key found the rating already stored.
        created: bool,
    },
    /// A booking checked in (or lapsed).
    CheckIn(booking::CheckIn),
    /// What an `Exec` function returned.
    Done(Box<dyn std::any::Any + Send>),
}

type Job = (Command, oneshot::Sender<Result<Outcome, AppError>>);

/// Sends commands to the writer thread.
#[derive(Clone)]
pub struct WriterHandle {
    tx: mpsc::Sender<Job>,
}

impl WriterHandle {
    /// Runs a command and waits until it is durable.
    pub async fn run(&self, cmd: Command) -> Result<Outcome, AppError> {
        let (reply, rx) = oneshot::channel();
        self.tx.send((cmd, reply)).map_err(|_| AppError::Internal("writer stopped".into()))?;
        rx.await.map_err(|_| AppError::Internal("writer dropped a request".into()))?
    }

    /// Runs a function inside the writer's transaction (its own savepoint)
    /// and waits until it is durable.
    pub async fn exec<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection, Timestamp) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        let boxed: Box<ExecFn> = Box::new(move |tx, now| f(tx, now).map(|v| Box::new(v) as Box<dyn std::any::Any + Send>));
        match self.run(Command::Exec(boxed)).await? {
            Outcome::Done(any) => any.downcast::<T>().map(|b| *b).map_err(|_| AppError::Internal("exec returned another type".into())),
            _ => Err(AppError::Internal("unexpected writer outcome".into())),
        }
    }
}

/// Largest batch in one transaction.
const MAX_BATCH: usize = 1024;

/// Starts the writer thread on its own connection.
pub fn spawn(
    conn: Connection,
    index: Arc<RwLock<QueueIndex>>,
    clock: Arc<dyn Clock>,
    catalogs: Arc<CatalogCache>,
) -> std::io::Result<WriterHandle> {
    let (tx, rx) = mpsc::channel::<Job>();
    thread::Builder::new().name("motcua-writer".into()).spawn(move || {
        let mut w = Writer { conn, index, clock };
        while let Ok(first) = rx.recv() {
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(job) => batch.push(job),
                    Err(_) => break,
                }
            }
            w.run_batch(batch, &catalogs);
        }
    })?;
    Ok(WriterHandle { tx })
}

struct Writer {
    conn: Connection,
    index: Arc<RwLock<QueueIndex>>,
    clock: Arc<dyn Clock>,
}

impl Writer {
    fn run_batch(&mut self, batch: Vec<Job>, catalogs: &CatalogCache) {
        let now = self.clock.now();
        let mut replies = Vec::with_capacity(batch.len());
        let committed = (|| -> Result<(), AppError> {
            let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let mut index = self.index.write().map_err(|_| AppError::Internal("queue index poisoned".into()))?;
            for (cmd, reply) in batch {
                tx.prepare_cached("SAVEPOINT job")?.execute([])?;
                let result = apply(&tx, &mut index, cmd, now);
                if result.is_err() {
                    tx.prepare_cached("ROLLBACK TO job")?.execute([])?;
                }
                tx.prepare_cached("RELEASE job")?.execute([])?;
                replies.push((reply, result));
            }
            drop(index);
            tx.commit()?;
            Ok(())
        })();
        match committed {
            Ok(()) => {
                for (reply, result) in replies {
                    let _ = reply.send(result);
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "batch commit failed; nothing in it was acknowledged");
                // The index may hold changes that were rolled back: rebuild it.
                match crate::tickets::rebuild_index(&self.conn, &catalogs.current(), now) {
                    Ok(fresh) => {
                        if let Ok(mut ix) = self.index.write() {
                            *ix = fresh;
                        }
                    }
                    Err(e) => tracing::error!(error = %e, "queue index rebuild failed"),
                }
                for (reply, _) in replies {
                    let _ = reply.send(Err(AppError::Internal("commit failed".into())));
                }
            }
        }
    }
}

fn apply(tx: &Connection, index: &mut QueueIndex, cmd: Command, now: Timestamp) -> Result<Outcome, AppError> {
    match cmd {
        Command::Issue { cat, req, key } => issue::issue(tx, index, &cat, &req, &key, None, now),
        Command::CallNext { cat, counter_id, actor } => calls::call_next(tx, index, &cat, &counter_id, &actor, now),
        Command::CallNumber { cat, counter_id, number, reason, actor } => {
            calls::call_number(tx, index, &cat, &counter_id, &number, &reason, &actor, now)
        }
        Command::Transition { cat, token, action, actor } => calls::transition(tx, index, &cat, &token, action, &actor, now),
        Command::Transfer { cat, token, req, actor } => calls::transfer(tx, index, &cat, &token, &req, &actor, now),
        Command::Pause { cat, counter_id, paused, actor } => calls::pause(tx, index, &cat, &counter_id, paused, &actor, now),
        Command::Exec(f) => f(tx, now).map(Outcome::Done),
        Command::CheckIn { cat, code, kiosk_id } => booking::check_in(tx, index, &cat, &code, &kiosk_id, now),
        Command::PutDossier { center, code, req, actor } => dossier::put_dossier(tx, &center, &code, &req, &actor, now),
        Command::PutDossiers { records } => Ok(Outcome::Dossiers(dossier::apply_each(tx, &records, Ties::ContentHash, now))),
        Command::Rate { center, req, key } => rating::rate(tx, &center, &req, key.as_deref(), now),
    }
}
