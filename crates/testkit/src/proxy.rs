//! A fault-injecting TCP proxy on loopback: it sits between a client (the
//! kiosk) and a server (the central server) and passes bytes through, drops
//! or resets connections, delays them, swallows them (a blackhole), or
//! delivers a request and loses its answer.
//!
//! The fault is read for every chunk, so a change also reaches connections
//! the client keeps alive in its pool. The proxy's port is its own for as
//! long as it lives, whatever happens to the server behind it. It reads the
//! HTTP/1.1 requests going through (request line, `Content-Length`,
//! `Idempotency-Key`) to aim the faults that need to know which exchange is
//! which; HTTP/1.1 answers come in request order on a connection.

use std::collections::{HashMap, HashSet};
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use crate::loopback::Loopback;

/// How long the proxy waits to reach the server.
const CONNECT: Duration = Duration::from_secs(2);

/// What the proxy does to the traffic.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Fault {
    /// Pass everything through.
    #[default]
    None,
    /// Close every connection, new or open, without forwarding a byte: the
    /// network is down (the client sees the connection closed).
    Drop,
    /// Hold every chunk this long before forwarding it, both ways: a slow
    /// link (a request and its answer take at least twice this long).
    Delay(Duration),
    /// Hold every chunk a random time in `base ± spread` (uniform), both
    /// ways: a slow and uneven link, e.g. 300 ms ± 200 ms.
    Jitter {
        /// The middle of the range.
        base: Duration,
        /// How far either side of `base`.
        spread: Duration,
    },
    /// Reset the connection (RST) of this percentage of the requests, at a
    /// random point of the exchange: before the request is forwarded (the
    /// server never sees it), after it is forwarded and before the answer
    /// (the server acted, the client never hears), or halfway through the
    /// answer.
    Reset(u8),
    /// Accept connections and never forward a byte nor answer one: the
    /// client waits until its own timeout. Open connections fall silent too;
    /// what they carry is held, not lost, and goes on when the blackhole
    /// ends (as TCP retransmits what a dead link dropped): a request the
    /// client gave up on may still reach the server afterwards.
    Blackhole,
    /// Deliver the requests, but discard the server's answer and close the
    /// connection: the server acted, the client never learns it did.
    DropResponse,
    /// Pass everything until a `POST /api/v1/tickets`, then lose the answer
    /// to that request, and to every retry of it (the same
    /// `Idempotency-Key`) for as long as this fault is in force: the server
    /// commits the ticket, the kiosk never hears. Each
    /// [`FaultProxy::set_fault`] with it aims at one more ticket request.
    LoseTicketAnswer,
}

/// Counts of what the proxy did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Connections accepted.
    pub accepted: u64,
    /// Connections closed by a fault, or because no server was set.
    pub dropped: u64,
    /// Answers the server sent that were discarded by [`Fault::DropResponse`].
    pub responses_dropped: u64,
    /// Connections reset by [`Fault::Reset`].
    pub resets: u64,
    /// Of those, resets after the request reached the server: before or halfway through its answer.
    pub resets_after_request: u64,
    /// Chunks swallowed or held by [`Fault::Blackhole`].
    pub blackholed: u64,
    /// Ticket requests whose answers [`Fault::LoseTicketAnswer`] lost (one per tap).
    pub tickets_aimed: u64,
    /// Answers to those requests (and their retries) that were lost.
    pub ticket_answers_dropped: u64,
}

#[derive(Default)]
struct Counters {
    accepted: AtomicU64,
    dropped: AtomicU64,
    responses_dropped: AtomicU64,
    resets: AtomicU64,
    resets_after_request: AtomicU64,
    blackholed: AtomicU64,
    tickets_aimed: AtomicU64,
    ticket_answers_dropped: AtomicU64,
}

/// What [`Fault::LoseTicketAnswer`] aims at.
#[derive(Default)]
struct Aim {
    /// Ticket requests still to pick.
    armed: u32,
    /// The idempotency keys whose answers are lost.
    keys: HashSet<String>,
}

struct Shared {
    upstream: Mutex<Option<SocketAddr>>,
    fault: Mutex<Fault>,
    aim: Mutex<Aim>,
    /// Both ends of every open connection, to sever them at will.
    open: Mutex<HashMap<u64, (TcpStream, TcpStream)>>,
    next_id: AtomicU64,
    /// A splitmix64 state: random enough for faults, and seedable.
    rng: AtomicU64,
    counters: Counters,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    fn fault(&self) -> Fault {
        *lock(&self.fault)
    }

    /// A random number (splitmix64).
    fn random(&self) -> u64 {
        let mut z = self.rng.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed).wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A random duration in `base ± spread`.
    fn jitter(&self, base: Duration, spread: Duration) -> Duration {
        let span = u64::try_from(spread.as_micros() * 2).unwrap_or(u64::MAX).max(1);
        let offset = Duration::from_micros(self.random() % (span + 1));
        (base + offset).saturating_sub(spread)
    }

    fn sever(&self, id: u64) {
        if let Some((client, server)) = lock(&self.open).remove(&id) {
            let _ = client.shutdown(Shutdown::Both);
            let _ = server.shutdown(Shutdown::Both);
            self.counters.dropped.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// Resets the client's side (RST: linger on, zero seconds) and closes the server's.
    fn reset(&self, id: u64) {
        if let Some((client, _)) = lock(&self.open).get(&id) {
            let _ = socket2::SockRef::from(client).set_linger(Some(Duration::ZERO));
        }
        self.counters.resets.fetch_add(1, Ordering::SeqCst);
        self.sever(id);
    }
}

/// A TCP proxy on `127.0.0.1` in front of one server address. Stops and
/// closes every connection on drop.
pub struct FaultProxy {
    shared: Arc<Shared>,
    server: Loopback,
}

impl FaultProxy {
    /// A pass-through proxy in front of `upstream`.
    pub fn start(upstream: SocketAddr) -> FaultProxy {
        let proxy = FaultProxy::detached();
        proxy.set_upstream(Some(upstream));
        proxy
    }

    /// A proxy with no server behind it yet: it closes what it accepts until
    /// [`FaultProxy::set_upstream`] names one.
    pub fn detached() -> FaultProxy {
        let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(7, |d| d.as_nanos() as u64);
        let shared = Arc::new(Shared {
            upstream: Mutex::new(None),
            fault: Mutex::new(Fault::None),
            aim: Mutex::new(Aim::default()),
            open: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(0),
            rng: AtomicU64::new(seed),
            counters: Counters::default(),
        });
        let s = shared.clone();
        let server = Loopback::serve("proxy", move |client| {
            s.counters.accepted.fetch_add(1, Ordering::SeqCst);
            connect(&s, client);
        });
        FaultProxy { shared, server }
    }

    /// Seeds the proxy's random faults (resets, jitter), for a run that can be repeated.
    pub fn seed(&self, seed: u64) {
        self.shared.rng.store(seed, Ordering::Relaxed);
    }

    /// Where clients connect.
    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr())
    }

    /// Where new connections go; `None` closes them at once (the server is down).
    pub fn set_upstream(&self, upstream: Option<SocketAddr>) {
        *lock(&self.shared.upstream) = upstream;
    }

    /// Sets the fault, for new and open connections alike. Setting
    /// [`Fault::LoseTicketAnswer`] aims at one more ticket request; any
    /// other fault lets every answer through again.
    pub fn set_fault(&self, fault: Fault) {
        {
            let mut aim = lock(&self.shared.aim);
            if fault == Fault::LoseTicketAnswer {
                aim.armed += 1;
            } else {
                *aim = Aim::default();
            }
        }
        *lock(&self.shared.fault) = fault;
    }

    /// The fault in force.
    pub fn fault(&self) -> Fault {
        self.shared.fault()
    }

    /// Closes every open connection (both ends).
    pub fn sever_all(&self) {
        let ids: Vec<u64> = lock(&self.shared.open).keys().copied().collect();
        for id in ids {
            self.shared.sever(id);
        }
    }

    /// What it has done so far.
    pub fn stats(&self) -> Stats {
        let c = &self.shared.counters;
        let get = |a: &AtomicU64| a.load(Ordering::SeqCst);
        Stats {
            accepted: get(&c.accepted),
            dropped: get(&c.dropped),
            responses_dropped: get(&c.responses_dropped),
            resets: get(&c.resets),
            resets_after_request: get(&c.resets_after_request),
            blackholed: get(&c.blackholed),
            tickets_aimed: get(&c.tickets_aimed),
            ticket_answers_dropped: get(&c.ticket_answers_dropped),
        }
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        // The listener stops when `server` drops, after this.
        self.sever_all();
    }
}

/// Which way a pump copies.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Way {
    Request,
    Response,
}

/// What happens to the next answer on a connection.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum NextAnswer {
    #[default]
    Pass,
    /// Reset when it comes, forwarding none of it.
    Reset,
    /// Forward half of its first chunk, then reset.
    ResetHalfway,
    /// Lose it ([`Fault::LoseTicketAnswer`]).
    Lose,
}

/// An HTTP/1.1 request head as the proxy reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Head {
    method: String,
    path: String,
    key: Option<String>,
}

/// Follows the requests of one connection: where each head ends and how
/// long its body is.
#[derive(Default)]
struct Requests {
    head: Vec<u8>,
    body_left: usize,
}

impl Requests {
    /// The request heads completed by `bytes`.
    fn feed(&mut self, mut bytes: &[u8]) -> Vec<Head> {
        let mut heads = Vec::new();
        while !bytes.is_empty() {
            if self.body_left > 0 {
                let n = self.body_left.min(bytes.len());
                self.body_left -= n;
                bytes = &bytes[n..];
                continue;
            }
            let before = self.head.len();
            self.head.extend_from_slice(bytes);
            let Some(end) = self.head.windows(4).position(|w| w == b"\r\n\r\n") else {
                return heads;
            };
            let used = end + 4 - before;
            let text = String::from_utf8_lossy(&self.head[..end]).into_owned();
            self.head.clear();
            bytes = &bytes[used..];
            let mut lines = text.lines();
            let mut first = lines.next().unwrap_or_default().split(' ');
            let (method, path) = (first.next().unwrap_or_default().to_owned(), first.next().unwrap_or_default().to_owned());
            let mut key = None;
            for line in lines {
                let Some((name, value)) = line.split_once(':') else { continue };
                let name = name.trim().to_ascii_lowercase();
                if name == "content-length" {
                    self.body_left = value.trim().parse().unwrap_or(0);
                } else if name == "idempotency-key" {
                    key = Some(value.trim().to_owned());
                }
            }
            heads.push(Head { method, path, key });
        }
        heads
    }
}

/// What the two pumps of one connection share.
#[derive(Default)]
struct Conn {
    requests: Requests,
    next_answer: NextAnswer,
}

fn connect(shared: &Arc<Shared>, client: TcpStream) {
    let upstream = *lock(&shared.upstream);
    let fault = shared.fault();
    if fault == Fault::Blackhole && upstream.is_some() {
        return swallow(shared, client);
    }
    let server = match (fault, upstream) {
        (Fault::Drop, _) | (_, None) => None,
        (_, Some(addr)) => TcpStream::connect_timeout(&addr, CONNECT).ok(),
    };
    let Some(server) = server else {
        let _ = client.shutdown(Shutdown::Both);
        shared.counters.dropped.fetch_add(1, Ordering::SeqCst);
        return;
    };
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    let id = shared.next_id.fetch_add(1, Ordering::SeqCst);
    let clones = (client.try_clone(), server.try_clone(), client.try_clone(), server.try_clone());
    let (Ok(c1), Ok(s1), Ok(c2), Ok(s2)) = clones else {
        return;
    };
    lock(&shared.open).insert(id, (c1, s1));
    let conn = Arc::new(Mutex::new(Conn::default()));
    let (s, c) = (shared.clone(), conn.clone());
    let responses = std::thread::spawn(move || pump(&s, &c, id, server, client, Way::Response));
    pump(shared, &conn, id, c2, s2, Way::Request);
    let _ = responses.join();
    lock(&shared.open).remove(&id);
}

/// A blackholed connection: read and forget until the client gives up (or
/// the proxy closes it).
fn swallow(shared: &Shared, client: TcpStream) {
    let id = shared.next_id.fetch_add(1, Ordering::SeqCst);
    let (Ok(c1), Ok(c2), Ok(mut reader)) = (client.try_clone(), client.try_clone(), client.try_clone()) else {
        return;
    };
    lock(&shared.open).insert(id, (c1, c2));
    let mut buf = [0u8; 16 * 1024];
    while let Ok(n) = reader.read(&mut buf) {
        if n == 0 {
            break;
        }
        shared.counters.blackholed.fetch_add(1, Ordering::SeqCst);
    }
    lock(&shared.open).remove(&id);
}

/// What the fault makes of one request chunk: forward it or not.
fn on_request(shared: &Shared, conn: &mut Conn, chunk: &[u8], fault: Fault) -> Option<()> {
    let heads = conn.requests.feed(chunk);
    match fault {
        Fault::Reset(percent) if !heads.is_empty() && shared.random() % 100 < u64::from(percent) => match shared.random() % 3 {
            0 => None,
            1 => {
                conn.next_answer = NextAnswer::Reset;
                Some(())
            }
            _ => {
                conn.next_answer = NextAnswer::ResetHalfway;
                Some(())
            }
        },
        Fault::LoseTicketAnswer => {
            for head in heads {
                let Some(key) = head.key else { continue };
                let mut aim = lock(&shared.aim);
                if head.method == "POST" && head.path == "/api/v1/tickets" && aim.armed > 0 && !aim.keys.contains(&key) {
                    aim.armed -= 1;
                    aim.keys.insert(key.clone());
                    shared.counters.tickets_aimed.fetch_add(1, Ordering::SeqCst);
                }
                if aim.keys.contains(&key) {
                    conn.next_answer = NextAnswer::Lose;
                }
            }
            Some(())
        }
        _ => Some(()),
    }
}

/// Copies `from` → `to` under the fault in force, until either end closes.
fn pump(shared: &Shared, conn: &Mutex<Conn>, id: u64, mut from: TcpStream, mut to: TcpStream, way: Way) {
    let mut buf = [0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => {
                // Pass the half-close on; the other way may still be talking.
                let _ = to.shutdown(Shutdown::Write);
                return;
            }
            Ok(n) => n,
        };
        let chunk = &buf[..n];
        if shared.fault() == Fault::Blackhole {
            shared.counters.blackholed.fetch_add(1, Ordering::SeqCst);
            while shared.fault() == Fault::Blackhole {
                if !lock(&shared.open).contains_key(&id) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        let fault = shared.fault();
        {
            let mut c = lock(conn);
            match way {
                Way::Request => {
                    if on_request(shared, &mut c, chunk, fault).is_none() {
                        drop(c);
                        return shared.reset(id);
                    }
                }
                Way::Response => match std::mem::take(&mut c.next_answer) {
                    NextAnswer::Pass => {}
                    NextAnswer::Reset => {
                        shared.counters.resets_after_request.fetch_add(1, Ordering::SeqCst);
                        drop(c);
                        return shared.reset(id);
                    }
                    NextAnswer::ResetHalfway => {
                        shared.counters.resets_after_request.fetch_add(1, Ordering::SeqCst);
                        let _ = to.write_all(&chunk[..chunk.len() / 2]);
                        drop(c);
                        return shared.reset(id);
                    }
                    NextAnswer::Lose => {
                        shared.counters.ticket_answers_dropped.fetch_add(1, Ordering::SeqCst);
                        drop(c);
                        return shared.sever(id);
                    }
                },
            }
        }
        match fault {
            Fault::Delay(d) => std::thread::sleep(d),
            Fault::Jitter { base, spread } => std::thread::sleep(shared.jitter(base, spread)),
            Fault::Drop => return shared.sever(id),
            Fault::DropResponse if way == Way::Response => {
                shared.counters.responses_dropped.fetch_add(1, Ordering::SeqCst);
                return shared.sever(id);
            }
            _ => {}
        }
        if to.write_all(chunk).is_err() {
            return shared.sever(id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader};
    use std::net::TcpListener;
    use std::sync::mpsc;
    use std::time::Instant;

    /// A line echo server that reports every line it received.
    fn echo() -> (SocketAddr, mpsc::Receiver<String>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let (mut stream, tx) = (stream.unwrap(), tx.clone());
                std::thread::spawn(move || {
                    let mut lines = BufReader::new(stream.try_clone().unwrap()).lines();
                    while let Some(Ok(line)) = lines.next() {
                        let _ = tx.send(line.clone());
                        if writeln!(stream, "{line}").is_err() {
                            break;
                        }
                    }
                });
            }
        });
        (addr, rx)
    }

    fn exchange(stream: &mut TcpStream, line: &str) -> std::io::Result<String> {
        writeln!(stream, "{line}")?;
        let mut answer = String::new();
        let n = BufReader::new(stream.try_clone()?).read_line(&mut answer)?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        Ok(answer.trim_end().to_owned())
    }

    fn proxied_echo() -> (FaultProxy, mpsc::Receiver<String>) {
        let (server, seen) = echo();
        (FaultProxy::start(server), seen)
    }

    fn client(proxy: &FaultProxy) -> TcpStream {
        let s = TcpStream::connect(proxy.addr()).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        s
    }

    #[test]
    fn passes_bytes_through_both_ways() {
        let (proxy, seen) = proxied_echo();
        let mut c = client(&proxy);
        assert_eq!(exchange(&mut c, "xin chào").unwrap(), "xin chào");
        assert_eq!(seen.recv().unwrap(), "xin chào");
        assert_eq!(proxy.stats(), Stats { accepted: 1, ..Stats::default() });
    }

    #[test]
    fn drop_closes_new_and_open_connections_without_forwarding() {
        let (proxy, seen) = proxied_echo();
        let mut open = client(&proxy);
        assert_eq!(exchange(&mut open, "before").unwrap(), "before");
        proxy.set_fault(Fault::Drop);
        assert!(exchange(&mut open, "kept alive").is_err(), "an open connection is cut too");
        assert!(exchange(&mut client(&proxy), "new").is_err());
        assert_eq!(seen.recv().unwrap(), "before");
        assert!(seen.try_recv().is_err(), "nothing reached the server");
        proxy.set_fault(Fault::None);
        assert_eq!(exchange(&mut client(&proxy), "after").unwrap(), "after");
    }

    #[test]
    fn drop_response_delivers_the_request_and_loses_the_answer() {
        let (proxy, seen) = proxied_echo();
        proxy.set_fault(Fault::DropResponse);
        assert!(exchange(&mut client(&proxy), "take a number").is_err(), "no answer comes back");
        assert_eq!(seen.recv_timeout(Duration::from_secs(5)).unwrap(), "take a number", "the server got it");
        assert_eq!(proxy.stats().responses_dropped, 1);
    }

    #[test]
    fn delay_holds_each_chunk() {
        let (proxy, _seen) = proxied_echo();
        proxy.set_fault(Fault::Delay(Duration::from_millis(150)));
        let start = Instant::now();
        assert_eq!(exchange(&mut client(&proxy), "slow").unwrap(), "slow");
        assert!(start.elapsed() >= Duration::from_millis(300), "{:?}", start.elapsed());
    }

    #[test]
    fn without_a_server_connections_are_closed_and_the_port_stays() {
        let proxy = FaultProxy::detached();
        assert!(exchange(&mut client(&proxy), "anyone?").is_err());
        let (server, _seen) = echo();
        proxy.set_upstream(Some(server));
        assert_eq!(exchange(&mut client(&proxy), "back").unwrap(), "back");
        assert_eq!(proxy.stats().dropped, 1);
    }

    /// A keep-alive HTTP/1.1 server that answers every request with its
    /// path, and reports `METHOD PATH KEY` of each request it received.
    fn http() -> (SocketAddr, mpsc::Receiver<String>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let (stream, tx) = (stream.unwrap(), tx.clone());
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(stream.try_clone().unwrap());
                    let mut out = stream;
                    loop {
                        let mut line = String::new();
                        if reader.read_line(&mut line).unwrap_or(0) == 0 {
                            return;
                        }
                        let (mut length, mut key) = (0usize, String::new());
                        loop {
                            let mut h = String::new();
                            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                                return;
                            }
                            if h == "\r\n" {
                                break;
                            }
                            let (name, value) = h.split_once(':').unwrap();
                            match name.to_ascii_lowercase().as_str() {
                                "content-length" => length = value.trim().parse().unwrap(),
                                "idempotency-key" => key = value.trim().to_owned(),
                                _ => {}
                            }
                        }
                        let mut body = vec![0; length];
                        reader.read_exact(&mut body).unwrap();
                        let mut parts = line.split(' ');
                        let (method, path) = (parts.next().unwrap().to_owned(), parts.next().unwrap().to_owned());
                        let _ = tx.send(format!("{method} {path} {key}").trim_end().to_owned());
                        let answer = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{path}", path.len());
                        if out.write_all(answer.as_bytes()).is_err() {
                            return;
                        }
                    }
                });
            }
        });
        (addr, rx)
    }

    /// One request on `stream`; the answer's body, or the error.
    fn request(stream: &mut TcpStream, method: &str, path: &str, key: Option<&str>) -> std::io::Result<String> {
        let body = "{\"service_id\":\"vp-dat-dai-tai-nguyen\"}";
        let key = key.map(|k| format!("Idempotency-Key: {k}\r\n")).unwrap_or_default();
        write!(stream, "{method} {path} HTTP/1.1\r\nHost: x\r\n{key}Content-Length: {}\r\n\r\n{body}", body.len())?;
        let mut reader = BufReader::new(stream.try_clone()?);
        let mut length = None;
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h)? == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            if h == "\r\n" {
                break;
            }
            if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().ok();
            }
        }
        let mut answer = vec![0; length.ok_or(std::io::ErrorKind::InvalidData)?];
        reader.read_exact(&mut answer)?;
        Ok(String::from_utf8(answer).unwrap())
    }

    #[test]
    fn lose_ticket_answer_loses_one_taps_answers_and_passes_the_rest() {
        let (server, seen) = http();
        let proxy = FaultProxy::start(server);
        proxy.set_fault(Fault::LoseTicketAnswer);
        let mut c = client(&proxy);
        assert_eq!(request(&mut c, "GET", "/api/v1/queues", None).unwrap(), "/api/v1/queues", "not a ticket: passes");
        assert!(request(&mut c, "POST", "/api/v1/tickets", Some("tap-1")).is_err(), "the first ticket's answer is lost");
        assert!(request(&mut client(&proxy), "POST", "/api/v1/tickets", Some("tap-1")).is_err(), "and its retry's");
        assert_eq!(request(&mut client(&proxy), "POST", "/api/v1/tickets", Some("tap-2")).unwrap(), "/api/v1/tickets");
        let got: Vec<String> = seen.try_iter().collect();
        assert_eq!(got, ["GET /api/v1/queues", "POST /api/v1/tickets tap-1", "POST /api/v1/tickets tap-1", "POST /api/v1/tickets tap-2"]);
        proxy.set_fault(Fault::None);
        assert!(request(&mut client(&proxy), "POST", "/api/v1/tickets", Some("tap-1")).is_ok(), "the fault lifted, it passes");
        let stats = proxy.stats();
        assert_eq!((stats.tickets_aimed, stats.ticket_answers_dropped), (1, 2));
    }

    #[test]
    fn blackhole_accepts_and_never_answers_nor_forwards() {
        let (server, seen) = http();
        let proxy = FaultProxy::start(server);
        let mut open = client(&proxy);
        assert!(request(&mut open, "GET", "/before", None).is_ok());
        assert_eq!(seen.recv().unwrap(), "GET /before");
        proxy.set_fault(Fault::Blackhole);
        for mut c in [open, client(&proxy)] {
            c.set_read_timeout(Some(Duration::from_millis(300))).unwrap();
            let e = request(&mut c, "GET", "/lost", None).unwrap_err();
            assert!(matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut), "{e:?}: no answer, no close");
        }
        assert!(seen.recv_timeout(Duration::from_millis(200)).is_err(), "nothing reached the server");
        proxy.set_fault(Fault::None);
        assert!(request(&mut client(&proxy), "GET", "/after", None).is_ok());
        // The open connection's request was held, not lost: it arrives once the link is back.
        let mut arrived: Vec<String> = (0..2).filter_map(|_| seen.recv_timeout(Duration::from_secs(2)).ok()).collect();
        arrived.sort();
        assert_eq!(arrived, ["GET /after", "GET /lost"]);
        assert!(proxy.stats().blackholed >= 2);
    }

    #[test]
    fn reset_cuts_the_given_share_of_exchanges_at_every_point() {
        let (server, seen) = http();
        let proxy = FaultProxy::start(server);
        proxy.seed(12);
        proxy.set_fault(Fault::Reset(100));
        let failed = (0..30).filter(|_| request(&mut client(&proxy), "POST", "/api/v1/tickets", Some("k")).is_err()).count();
        assert_eq!(failed, 30);
        let stats = proxy.stats();
        assert_eq!(stats.resets, 30);
        let reached = seen.try_iter().count() as u64;
        assert_eq!(reached, stats.resets_after_request, "the server saw exactly the requests reset after forwarding");
        assert!((1..30).contains(&reached), "some before the request, some after: {reached}");
        proxy.set_fault(Fault::Reset(20));
        let failed = (0..200).filter(|_| request(&mut client(&proxy), "GET", "/x", None).is_err()).count();
        assert!((15..70).contains(&failed), "about one in five: {failed} of 200");
    }

    #[test]
    fn jitter_holds_each_chunk_a_random_time_in_its_range() {
        let (server, _seen) = http();
        let proxy = FaultProxy::start(server);
        proxy.set_fault(Fault::Jitter { base: Duration::from_millis(40), spread: Duration::from_millis(30) });
        let mut times = Vec::new();
        let mut c = client(&proxy);
        for _ in 0..10 {
            let start = Instant::now();
            request(&mut c, "GET", "/slow", None).unwrap();
            times.push(start.elapsed());
        }
        assert!(times.iter().all(|t| *t >= Duration::from_millis(20)), "{times:?}");
        assert!(times.iter().all(|t| *t < Duration::from_millis(400)), "{times:?}");
        let (min, max) = (times.iter().min().unwrap(), times.iter().max().unwrap());
        assert!(*max - *min >= Duration::from_millis(10), "not all the same: {times:?}");
    }
}
