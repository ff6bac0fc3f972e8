//! A fault-injecting HTTP proxy between `awsplain tail` and the CloudWatch Logs emulator: it
//! forwards requests, and on demand goes down (connection refused, open connections cut) and
//! comes back on the same port, throttles, rejects page tokens, says the credentials expired
//! or holds a request without answering.
//!
//! It is a thread in the test process rather than a script in another: the faults are set
//! and counted through shared memory with no control channel, the port is known before
//! anything runs, and going down is closing a socket, not killing a process and waiting for
//! a new one to listen. The emulator keeps its events in memory and is never touched.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Faults to inject into the next FilterLogEvents calls (`expired` into every call).
#[derive(Debug, Default, Clone)]
pub struct Faults {
    /// Answer this many calls with ThrottlingException.
    pub throttle: u32,
    /// Answer this many calls that carry a nextToken with the invalid-token error.
    pub bad_token: u32,
    /// Answer this many calls with nothing at all, holding the connection open.
    pub stall: u32,
    /// Answer every call with ExpiredTokenException.
    pub expired: bool,
}

/// What the proxy did.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    pub forwarded: u32,
    pub throttled: u32,
    pub bad_tokens: u32,
    pub stalled: u32,
    pub expired: u32,
}

#[derive(Default)]
struct Shared {
    running: AtomicBool,
    faults: Mutex<Faults>,
    stats: Mutex<Stats>,
    /// Open client connections, cut when the proxy goes down.
    conns: Mutex<Vec<TcpStream>>,
}

pub struct FaultProxy {
    addr: SocketAddr,
    upstream: SocketAddr,
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
}

impl FaultProxy {
    /// A proxy on a free loopback port forwarding to `upstream_url` (`http://host:port`).
    pub fn start(upstream_url: &str) -> FaultProxy {
        let hostport = upstream_url
            .split("://")
            .nth(1)
            .unwrap_or(upstream_url)
            .trim_end_matches('/');
        let upstream = std::net::ToSocketAddrs::to_socket_addrs(hostport)
            .expect("emulator address")
            .next()
            .expect("emulator address");
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind proxy");
        let mut p = FaultProxy {
            addr: listener.local_addr().unwrap(),
            upstream,
            shared: Arc::new(Shared::default()),
            acceptor: None,
        };
        p.serve(listener);
        p
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn inject(&self, set: impl FnOnce(&mut Faults)) {
        set(&mut self.shared.faults.lock().unwrap());
    }

    pub fn stats(&self) -> Stats {
        self.shared.stats.lock().unwrap().clone()
    }

    /// Stop listening (new connections are refused) and cut every open connection.
    pub fn down(&mut self) {
        self.shared.running.store(false, Ordering::SeqCst);
        if let Some(t) = self.acceptor.take() {
            t.join().unwrap();
        }
        for c in self.shared.conns.lock().unwrap().drain(..) {
            let _ = c.shutdown(Shutdown::Both);
        }
    }

    /// Listen again on the same port.
    pub fn up(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        let listener = loop {
            match TcpListener::bind(self.addr) {
                Ok(l) => break l,
                Err(e) if Instant::now() < deadline => {
                    eprintln!("proxy: rebinding {}: {e}", self.addr);
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(e) => panic!("proxy cannot listen on {} again: {e}", self.addr),
            }
        };
        self.serve(listener);
    }

    fn serve(&mut self, listener: TcpListener) {
        listener.set_nonblocking(true).unwrap();
        self.shared.running.store(true, Ordering::SeqCst);
        let shared = self.shared.clone();
        let upstream = self.upstream;
        self.acceptor = Some(std::thread::spawn(move || {
            // Polling accept, so that `down` can stop it and the listener closes with it.
            while shared.running.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((sock, _)) => {
                        sock.set_nonblocking(false).unwrap();
                        shared.conns.lock().unwrap().push(sock.try_clone().unwrap());
                        let shared = shared.clone();
                        std::thread::spawn(move || serve_connection(sock, upstream, &shared));
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                        std::thread::sleep(Duration::from_millis(5));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        }));
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.down();
    }
}

/// One HTTP request or response: the head (up to the blank line) and the body.
pub(crate) struct Message {
    pub head: String,
    pub body: Vec<u8>,
}

impl Message {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// Read one message framed by Content-Length (or, with `to_eof`, everything until the peer
/// closes). `None` when the connection ends first.
pub(crate) fn read_message(sock: &mut TcpStream, to_eof: bool) -> Option<Message> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
        match sock.read(&mut chunk) {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut msg = Message {
        head,
        body: buf[head_end..].to_vec(),
    };
    let len: Option<usize> = msg.header("content-length").and_then(|v| v.parse().ok());
    match len {
        Some(len) => {
            while msg.body.len() < len {
                match sock.read(&mut chunk) {
                    Ok(0) | Err(_) => return None,
                    Ok(n) => msg.body.extend_from_slice(&chunk[..n]),
                }
            }
            msg.body.truncate(len);
        }
        None if to_eof => loop {
            match sock.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => msg.body.extend_from_slice(&chunk[..n]),
            }
        },
        None => {}
    }
    Some(msg)
}

/// A CloudWatch Logs (awsJson1.1) error answer.
fn aws_error(code: &str, message: &str) -> Vec<u8> {
    let body = serde_json::json!({"__type": code, "message": message}).to_string();
    format!(
        "HTTP/1.1 400 Bad Request\r\ncontent-type: application/x-amz-json-1.1\r\nx-amzn-errortype: {code}\r\nx-amzn-requestid: fault-proxy-{code}\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

enum Action {
    Reply(Vec<u8>),
    Forward,
    Stall,
}

fn serve_connection(mut client: TcpStream, upstream: SocketAddr, shared: &Shared) {
    while let Some(req) = read_message(&mut client, false) {
        if !shared.running.load(Ordering::SeqCst) {
            return;
        }
        let filter = req
            .header("x-amz-target")
            .is_some_and(|t| t.ends_with(".FilterLogEvents"));
        let paging = String::from_utf8_lossy(&req.body).contains("\"nextToken\"");
        let action = {
            let mut f = shared.faults.lock().unwrap();
            let mut stats = shared.stats.lock().unwrap();
            if f.expired {
                stats.expired += 1;
                Action::Reply(aws_error(
                    "ExpiredTokenException",
                    "The security token included in the request is expired",
                ))
            } else if filter && f.stall > 0 {
                f.stall -= 1;
                stats.stalled += 1;
                Action::Stall
            } else if filter && f.throttle > 0 {
                f.throttle -= 1;
                stats.throttled += 1;
                Action::Reply(aws_error("ThrottlingException", "Rate exceeded"))
            } else if filter && paging && f.bad_token > 0 {
                f.bad_token -= 1;
                stats.bad_tokens += 1;
                Action::Reply(aws_error(
                    "InvalidParameterException",
                    "The specified nextToken is invalid.",
                ))
            } else {
                stats.forwarded += 1;
                Action::Forward
            }
        };
        let reply = match action {
            Action::Reply(r) => r,
            Action::Forward => forward(&req, upstream),
            Action::Stall => {
                // Hold the connection without answering until the client gives up on it.
                let mut sink = [0u8; 1024];
                while matches!(client.read(&mut sink), Ok(n) if n > 0) {}
                return;
            }
        };
        if client.write_all(&reply).is_err() {
            return;
        }
    }
}

/// Send the request to the emulator on a connection of its own and return the answer, framed
/// by Content-Length so the client's connection can carry the next request.
pub(crate) fn forward(req: &Message, upstream: SocketAddr) -> Vec<u8> {
    let failed = || b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n".to_vec();
    let Ok(mut up) = TcpStream::connect(upstream) else {
        return failed();
    };
    let mut head: Vec<&str> = req
        .head
        .trim_end()
        .lines()
        .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
        .collect();
    head.push("connection: close");
    let mut out = head.join("\r\n").into_bytes();
    out.extend_from_slice(b"\r\n\r\n");
    out.extend_from_slice(&req.body);
    if up.write_all(&out).is_err() {
        return failed();
    }
    let Some(resp) = read_message(&mut up, true) else {
        return failed();
    };
    let mut lines = resp.head.trim_end().lines();
    let status = lines
        .next()
        .unwrap_or("HTTP/1.1 502 Bad Gateway")
        .replacen("HTTP/1.0", "HTTP/1.1", 1);
    let mut head = vec![status];
    head.extend(
        lines
            .filter(|l| {
                let l = l.to_ascii_lowercase();
                ![
                    "connection:",
                    "content-length:",
                    "transfer-encoding:",
                    "keep-alive:",
                ]
                .iter()
                .any(|h| l.starts_with(h))
            })
            .map(str::to_string),
    );
    head.push(format!("content-length: {}", resp.body.len()));
    let mut out = head.join("\r\n").into_bytes();
    out.extend_from_slice(b"\r\n\r\n");
    out.extend_from_slice(&resp.body);
    out
}
