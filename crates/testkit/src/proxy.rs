//! A fault-injecting TCP proxy on loopback: it sits between a client (the
//! kiosk) and a server (the central server) and passes bytes through, drops
//! connections, delays them, or delivers a request and loses its answer.
//!
//! The fault is read for every chunk, so a change also reaches connections
//! the client keeps alive in its pool. The proxy's port is its own for as
//! long as it lives, whatever happens to the server behind it.

use std::collections::HashMap;
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
    /// Deliver the requests, but discard the server's answer and close the
    /// connection: the server acted, the client never learns it did.
    DropResponse,
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
}

#[derive(Default)]
struct Counters {
    accepted: AtomicU64,
    dropped: AtomicU64,
    responses_dropped: AtomicU64,
}

struct Shared {
    upstream: Mutex<Option<SocketAddr>>,
    fault: Mutex<Fault>,
    /// Both ends of every open connection, to sever them at will.
    open: Mutex<HashMap<u64, (TcpStream, TcpStream)>>,
    next_id: AtomicU64,
    counters: Counters,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    fn fault(&self) -> Fault {
        *lock(&self.fault)
    }

    fn sever(&self, id: u64) {
        if let Some((client, server)) = lock(&self.open).remove(&id) {
            let _ = client.shutdown(Shutdown::Both);
            let _ = server.shutdown(Shutdown::Both);
            self.counters.dropped.fetch_add(1, Ordering::SeqCst);
        }
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
        let shared = Arc::new(Shared {
            upstream: Mutex::new(None),
            fault: Mutex::new(Fault::None),
            open: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(0),
            counters: Counters::default(),
        });
        let s = shared.clone();
        let server = Loopback::serve("proxy", move |client| {
            s.counters.accepted.fetch_add(1, Ordering::SeqCst);
            connect(&s, client);
        });
        FaultProxy { shared, server }
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

    /// Sets the fault, for new and open connections alike.
    pub fn set_fault(&self, fault: Fault) {
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
        Stats {
            accepted: c.accepted.load(Ordering::SeqCst),
            dropped: c.dropped.load(Ordering::SeqCst),
            responses_dropped: c.responses_dropped.load(Ordering::SeqCst),
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

fn connect(shared: &Arc<Shared>, client: TcpStream) {
    let upstream = *lock(&shared.upstream);
    let server = match (shared.fault(), upstream) {
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
    let s = shared.clone();
    let responses = std::thread::spawn(move || pump(&s, id, server, client, Way::Response));
    pump(shared, id, c2, s2, Way::Request);
    let _ = responses.join();
    lock(&shared.open).remove(&id);
}

/// Copies `from` → `to` under the fault in force, until either end closes.
fn pump(shared: &Shared, id: u64, mut from: TcpStream, mut to: TcpStream, way: Way) {
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
        match shared.fault() {
            Fault::None => {}
            Fault::Delay(d) => std::thread::sleep(d),
            Fault::Drop => return shared.sever(id),
            Fault::DropResponse if way == Way::Request => {}
            Fault::DropResponse => {
                shared.counters.responses_dropped.fetch_add(1, Ordering::SeqCst);
                return shared.sever(id);
            }
        }
        if to.write_all(&buf[..n]).is_err() {
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
        assert_eq!(proxy.stats(), Stats { accepted: 1, dropped: 0, responses_dropped: 0 });
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
}
