//! A fake ESC/POS network printer on loopback, and a port where nobody is.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::loopback::Loopback;

/// How long the fake waits for a silent client before it hangs up.
const IDLE: Duration = Duration::from_secs(10);
/// How long [`FakePrinter::wait_sessions`] waits.
const WAIT: Duration = Duration::from_secs(10);

/// The bytes a printer answers to `DLE EOT 1`, `2` and `4`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Status {
    /// `DLE EOT 1`: printer status.
    pub printer: u8,
    /// `DLE EOT 2`: offline cause.
    pub offline: u8,
    /// `DLE EOT 4`: roll paper sensor.
    pub paper: u8,
}

impl Status {
    /// Ready to print.
    pub const READY: Status = Status { printer: 0x12, offline: 0x12, paper: 0x12 };
    /// Out of paper.
    pub const PAPER_OUT: Status = Status { printer: 0x1a, offline: 0x32, paper: 0x72 };
    /// Cover open.
    pub const COVER_OPEN: Status = Status { printer: 0x1a, offline: 0x16, paper: 0x12 };
    /// Ready, roll nearly finished.
    pub const PAPER_NEAR_END: Status = Status { printer: 0x12, offline: 0x12, paper: 0x1e };
}

/// How the fake printer behaves when asked for its status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// Answers with these bytes and takes the job that follows.
    Status(Status),
    /// Reads and never answers (a printer that hangs).
    Silent,
    /// Resets the connection (TCP RST) on the first status request, as a
    /// port without a printer behind it, or a print server losing it, does.
    Reset,
}

/// One connection the printer has seen, recorded when it closed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Session {
    /// The `n` of every `DLE EOT n` asked, in order.
    pub queries: Vec<u8>,
    /// Everything after the status requests: the print job (empty if none was sent).
    pub job: Vec<u8>,
}

#[derive(Default)]
struct Record {
    sessions: Vec<Session>,
}

struct Shared {
    answer: Mutex<Answer>,
    record: Mutex<Record>,
    changed: Condvar,
}

impl Shared {
    fn record(&self) -> MutexGuard<'_, Record> {
        self.record.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn answer(&self) -> Answer {
        *self.answer.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A fake ESC/POS printer on `127.0.0.1`: answers `DLE EOT 1/2/4` as told and
/// records every connection (status requests apart from the job). Any number
/// of connections, one after the other or at once. Stops accepting on drop.
pub struct FakePrinter {
    shared: Arc<Shared>,
    server: Loopback,
}

impl FakePrinter {
    /// Starts one on a port of its own.
    pub fn start(answer: Answer) -> FakePrinter {
        let shared = Arc::new(Shared { answer: Mutex::new(answer), record: Mutex::new(Record::default()), changed: Condvar::new() });
        let s = shared.clone();
        let server = Loopback::serve("fake printer", move |stream| serve(&s, stream));
        FakePrinter { shared, server }
    }

    /// Its port.
    pub fn port(&self) -> u16 {
        self.server.addr().port()
    }

    /// The printer spec a kiosk config names it by.
    pub fn spec(&self) -> String {
        format!("escpos+tcp://{}", self.server.addr())
    }

    /// Changes how it answers from the next status request on.
    pub fn set_answer(&self, answer: Answer) {
        *self.shared.answer.lock().unwrap_or_else(|e| e.into_inner()) = answer;
    }

    /// Changes the status it answers.
    pub fn set_status(&self, status: Status) {
        self.set_answer(Answer::Status(status));
    }

    /// The connections that have closed so far.
    pub fn sessions(&self) -> Vec<Session> {
        self.shared.record().sessions.clone()
    }

    /// The jobs received so far (connections that sent one and closed).
    pub fn jobs(&self) -> Vec<Vec<u8>> {
        self.sessions().into_iter().map(|s| s.job).filter(|j| !j.is_empty()).collect()
    }

    /// Waits until `n` connections have closed; a job is only complete then.
    pub fn wait_sessions(&self, n: usize) -> Vec<Session> {
        self.wait(n, "connections", |r| r.sessions.len()).sessions.clone()
    }

    /// Waits until `n` jobs have arrived.
    pub fn wait_jobs(&self, n: usize) -> Vec<Vec<u8>> {
        let record = self.wait(n, "jobs", |r| r.sessions.iter().filter(|s| !s.job.is_empty()).count());
        record.sessions.iter().map(|s| s.job.clone()).filter(|j| !j.is_empty()).collect()
    }

    fn wait(&self, n: usize, what: &str, count: impl Fn(&Record) -> usize) -> MutexGuard<'_, Record> {
        let deadline = Instant::now() + WAIT;
        let mut record = self.shared.record();
        while count(&record) < n {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "the fake printer got {} {what} in {WAIT:?}, expected {n}", count(&record));
            record = self.shared.changed.wait_timeout(record, left).unwrap_or_else(|e| e.into_inner()).0;
        }
        record
    }
}

/// One connection: status requests first (answered one by one), then the job.
fn serve(shared: &Shared, mut stream: TcpStream) {
    let _ = stream.set_read_timeout(Some(IDLE));
    let mut session = Session::default();
    let mut pending = Vec::new();
    let mut buf = [0u8; 65536];
    loop {
        let n = match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if !session.job.is_empty() {
            session.job.extend_from_slice(&buf[..n]);
            continue;
        }
        pending.extend_from_slice(&buf[..n]);
        while let [0x10, 0x04, request, ..] = pending[..] {
            session.queries.push(request);
            pending.drain(..3);
            let byte = match (shared.answer(), request) {
                (Answer::Status(s), 1) => s.printer,
                (Answer::Status(s), 2) => s.offline,
                (Answer::Status(s), 4) => s.paper,
                (Answer::Status(_), _) => 0x12,
                (Answer::Silent, _) => continue,
                (Answer::Reset, _) => {
                    reset(&stream);
                    return finish(shared, session);
                }
            };
            if stream.write_all(&[byte]).is_err() {
                return finish(shared, session);
            }
        }
        // A status request split across reads waits for its last bytes.
        let partial_request = pending.first() == Some(&0x10) && pending.len() < 3;
        if !pending.is_empty() && !partial_request {
            session.job.append(&mut pending);
        }
    }
    finish(shared, session);
}

/// Closes with RST rather than FIN: linger on, zero seconds.
fn reset(stream: &TcpStream) {
    let _ = socket2::SockRef::from(stream).set_linger(Some(Duration::ZERO));
}

fn finish(shared: &Shared, session: Session) {
    shared.record().sessions.push(session);
    shared.changed.notify_all();
}

/// A loopback port that refuses every connection, for as long as this lives:
/// a socket is bound to it but never listens. Unlike binding port 0 and
/// closing it, nobody else can take the port meanwhile, so "nobody is there"
/// stays true for the whole test.
pub struct RefusingPort {
    _socket: socket2::Socket,
    port: u16,
}

impl RefusingPort {
    /// Holds a free loopback port.
    pub fn hold() -> RefusingPort {
        use socket2::{Domain, Protocol, Socket, Type};
        let socket = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP)).expect("socket");
        // No SO_REUSEADDR: while it is bound, no other socket may bind the port.
        socket.bind(&SocketAddr::from((Ipv4Addr::LOCALHOST, 0)).into()).expect("bind a loopback port");
        let port = socket.local_addr().ok().and_then(|a| a.as_socket()).expect("bound address").port();
        RefusingPort { _socket: socket, port }
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.port
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::ErrorKind;
    use std::net::TcpListener;

    fn ask(stream: &mut TcpStream, n: u8) -> std::io::Result<u8> {
        stream.write_all(&[0x10, 0x04, n])?;
        let mut b = [0u8; 1];
        stream.read_exact(&mut b)?;
        Ok(b[0])
    }

    #[test]
    fn answers_each_request_and_keeps_the_job_apart() {
        let printer = FakePrinter::start(Answer::Status(Status::PAPER_NEAR_END));
        let mut s = TcpStream::connect(("127.0.0.1", printer.port())).unwrap();
        assert_eq!([ask(&mut s, 1).unwrap(), ask(&mut s, 2).unwrap(), ask(&mut s, 4).unwrap()], [0x12, 0x12, 0x1e]);
        s.write_all(b"\x1b@job").unwrap();
        drop(s);
        let sessions = printer.wait_sessions(1);
        assert_eq!(sessions, [Session { queries: vec![1, 2, 4], job: b"\x1b@job".to_vec() }]);
        assert_eq!(printer.wait_jobs(1), [b"\x1b@job".to_vec()]);
    }

    #[test]
    fn a_status_change_applies_to_the_next_request() {
        let printer = FakePrinter::start(Answer::Status(Status::PAPER_OUT));
        let mut s = TcpStream::connect(("127.0.0.1", printer.port())).unwrap();
        assert_eq!(ask(&mut s, 4).unwrap(), 0x72);
        printer.set_status(Status::READY);
        assert_eq!(ask(&mut s, 4).unwrap(), 0x12);
        drop(s);
        assert!(printer.wait_sessions(1)[0].job.is_empty());
        assert!(printer.jobs().is_empty());
    }

    #[test]
    fn reset_answers_the_first_request_with_rst() {
        let printer = FakePrinter::start(Answer::Reset);
        let mut s = TcpStream::connect(("127.0.0.1", printer.port())).unwrap();
        let err = ask(&mut s, 1).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConnectionReset, "{err}");
        assert_eq!(printer.wait_sessions(1)[0].queries, [1]);
    }

    #[test]
    fn silent_never_answers() {
        let printer = FakePrinter::start(Answer::Silent);
        let mut s = TcpStream::connect(("127.0.0.1", printer.port())).unwrap();
        s.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
        let err = ask(&mut s, 1).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut), "{err}");
    }

    #[test]
    fn a_held_port_refuses_and_cannot_be_taken() {
        let port = RefusingPort::hold();
        let err = TcpStream::connect(("127.0.0.1", port.port())).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConnectionRefused);
        let err = TcpListener::bind(("127.0.0.1", port.port())).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AddrInUse);
    }
}
