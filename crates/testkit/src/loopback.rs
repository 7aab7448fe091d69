//! A TCP server on `127.0.0.1` that hands every connection to a thread of
//! its own, on a port of its own, until it is dropped.

use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

/// Accepts connections for `serve` until dropped.
pub(crate) struct Loopback {
    addr: SocketAddr,
    closing: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
}

impl Loopback {
    /// Binds a free port; `serve` runs on a new thread for each connection.
    pub(crate) fn serve(what: &str, serve: impl Fn(TcpStream) + Send + Sync + 'static) -> Loopback {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap_or_else(|e| panic!("bind the {what}: {e}"));
        let addr = listener.local_addr().unwrap_or_else(|e| panic!("address of the {what}: {e}"));
        let closing = Arc::new(AtomicBool::new(false));
        let (stop, serve) = (closing.clone(), Arc::new(serve));
        let acceptor = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let serve = serve.clone();
                std::thread::spawn(move || serve(stream));
            }
        });
        Loopback { addr, closing, acceptor: Some(acceptor) }
    }

    /// Where it listens.
    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for Loopback {
    fn drop(&mut self) {
        self.closing.store(true, Ordering::SeqCst);
        // Wake the acceptor so that it sees `closing`.
        let _ = TcpStream::connect(self.addr);
        if let Some(a) = self.acceptor.take() {
            let _ = a.join();
        }
    }
}
