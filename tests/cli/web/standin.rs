//! A STAND-IN for CircuitPython's web workflow server, written from the documented behaviour in
//! docs/domain/web-workflow.md (no server other than the firmware implements the API). It serves
//! a local folder as the board's drive on 127.0.0.1 only: one request per connection, then
//! close; FAT names (case-insensitive, case-preserving); `free`/`total` in clusters of
//! `block_size`; 401 on a wrong password; 409 while "USB is active"; PUT writes straight into
//! its target (a cut-off upload leaves a damaged file); MOVE refuses an existing destination.
//! Every request line is recorded so tests can check what a client sent.

use std::fs;
use std::io::{BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::UNIX_EPOCH;

mod http;
use http::{b64, decode, read_head, reply, Request};

#[derive(Clone)]
pub struct Options {
    pub password: String,
    pub writable: bool,
    pub block_size: u64,
    pub total_clusters: u64,
    pub web_api_version: u64,
    /// Cut the connection halfway through the body of any PUT whose path contains this.
    pub drop_upload_containing: Option<String>,
    /// Answer every request with 307 to this origin (as `circuitpython.local` does).
    pub redirect_to: Option<String>,
    /// Listings say writable, but writes get 409 (a computer mounted the USB drive meanwhile).
    pub usb_active_on_write: bool,
    /// Append a byte to this file just before the root folder is listed a second time (someone
    /// edits the board while the user reads the plan).
    pub touch_on_relist: Option<String>,
    /// Write `added-later.py` into this folder just before it is listed a second time.
    pub add_on_relist: Option<String>,
    /// Extra entries in the root listing (hostile names a client must not follow).
    pub inject_root: Vec<serde_json::Value>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            password: "passw0rd".into(),
            writable: true,
            block_size: 512,
            total_clusters: 8192,
            web_api_version: 4,
            drop_upload_containing: None,
            redirect_to: None,
            inject_root: Vec::new(),
            usb_active_on_write: false,
            touch_on_relist: None,
            add_on_relist: None,
        }
    }
}

pub struct StandIn {
    pub port: u16,
    pub requests: Arc<Mutex<Vec<String>>>,
}

impl StandIn {
    /// Serve `root` until the test process ends.
    pub fn start(root: &Path, opts: Options) -> StandIn {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let port = listener.local_addr().expect("addr").port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = requests.clone();
        let root = root.to_path_buf();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let _ = serve(stream, &root, &opts, &log);
            }
        });
        StandIn { port, requests }
    }

    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Paths the client sent that hold a `.` or `..` segment, raw or percent-encoded.
    pub fn dot_segments(&self) -> Vec<String> {
        self.requests
            .lock()
            .expect("log")
            .iter()
            .filter(|line| {
                let path = line.split(' ').nth(1).unwrap_or("");
                let dest = line.split(" -> ").nth(1).unwrap_or("");
                [path, dest]
                    .iter()
                    .any(|p| decode(p).split('/').any(|seg| seg == "." || seg == ".."))
            })
            .cloned()
            .collect()
    }
}

/// Resolve a decoded `/`-path under `root` with FAT's case-insensitive names. The last
/// component may be missing (returned as given). `None` for dot segments: the stand-in refuses
/// them instead of resolving them as the firmware does.
fn resolve(root: &Path, rel: &str) -> Option<PathBuf> {
    let mut cur = root.to_path_buf();
    for seg in rel.split('/').filter(|s| !s.is_empty()) {
        if seg == "." || seg == ".." {
            return None;
        }
        let found = fs::read_dir(&cur).ok().and_then(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .find(|n| n.eq_ignore_ascii_case(seg))
        });
        cur.push(found.unwrap_or_else(|| seg.to_string()));
    }
    Some(cur)
}

fn used_clusters(dir: &Path, bs: u64) -> u64 {
    let mut n = 0;
    for e in fs::read_dir(dir).into_iter().flatten().flatten() {
        let m = e.metadata().expect("meta");
        n += if m.is_dir() {
            1 + used_clusters(&e.path(), bs)
        } else {
            m.len().div_ceil(bs)
        };
    }
    n
}

fn listing(root: &Path, dir: &Path, o: &Options) -> Vec<u8> {
    let mut files = Vec::new();
    for e in fs::read_dir(dir).into_iter().flatten().flatten() {
        let m = e.metadata().expect("meta");
        let ns = m
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as u64);
        files.push(serde_json::json!({
            "name": e.file_name().to_string_lossy(),
            "directory": m.is_dir(),
            "modified_ns": ns,
            "file_size": if m.is_dir() { 0 } else { m.len() },
        }));
    }
    if dir == root {
        files.extend(o.inject_root.iter().cloned());
    }
    let used = used_clusters(root, o.block_size);
    serde_json::to_vec(&serde_json::json!({
        "free": o.total_clusters.saturating_sub(used),
        "total": o.total_clusters,
        "block_size": o.block_size,
        "writable": o.writable,
        "files": files,
    }))
    .expect("json")
}

fn serve(
    stream: TcpStream,
    root: &Path,
    o: &Options,
    log: &Mutex<Vec<String>>,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut out = stream;
    let Some(req) = read_head(&mut reader) else {
        return Ok(());
    };
    let dest = req.header("X-Destination").unwrap_or("").to_string();
    log.lock()
        .expect("log")
        .push(format!("{} {} -> {dest}", req.method, req.path));
    if let Some(origin) = &o.redirect_to {
        reply(
            &mut out,
            307,
            &[("Location", format!("{origin}{}", req.path))],
            b"",
        );
        return Ok(());
    }
    if req.path == "/cp/version.json" {
        let v = serde_json::json!({
            "web_api_version": o.web_api_version, "version": "10.2.1",
            "board_id": "adafruit_feather_esp32s3_tft", "hostname": "cpy-standin",
        });
        reply(&mut out, 200, &[], v.to_string().as_bytes());
        return Ok(());
    }
    let Some(rel) = req.path.strip_prefix("/fs/") else {
        reply(&mut out, 404, &[], b"");
        return Ok(());
    };
    let want = format!("Basic {}", b64(format!(":{}", o.password).as_bytes()));
    if req.header("Authorization") != Some(want.as_str()) {
        reply(&mut out, 401, &[], b"");
        return Ok(());
    }
    if req.header("Transfer-Encoding").is_some() {
        // The firmware reads bodies by Content-Length only.
        reply(&mut out, 400, &[], b"no chunked bodies");
        return Ok(());
    }
    let is_dir = rel.is_empty() || rel.ends_with('/');
    if let (true, Some(name)) = (rel.is_empty() && req.method == "GET", &o.touch_on_relist) {
        let listings = log
            .lock()
            .expect("log")
            .iter()
            .filter(|l| l.starts_with("GET /fs/ "))
            .count();
        if listings == 2 {
            let mut f = fs::OpenOptions::new().append(true).open(root.join(name))?;
            f.write_all(b"!")?;
        }
    }
    if let (true, Some(dir)) = (req.method == "GET", &o.add_on_relist) {
        let line = format!("GET /fs/{dir}/ ");
        let listings = log
            .lock()
            .expect("log")
            .iter()
            .filter(|l| l.starts_with(&line))
            .count();
        if listings == 2 && decode(rel).trim_end_matches('/') == dir.as_str() {
            fs::write(root.join(dir).join("added-later.py"), b"print('mine')\n")?;
        }
    }
    let Some(target) = resolve(root, &decode(rel)) else {
        reply(&mut out, 400, &[], b"dot segment");
        return Ok(());
    };
    let write = matches!(req.method.as_str(), "PUT" | "DELETE" | "MOVE");
    if write && (!o.writable || o.usb_active_on_write) {
        // Drain the body so the client sees the answer rather than a reset.
        let mut sink = vec![0; req.length];
        let _ = reader.read_exact(&mut sink);
        reply(&mut out, 409, &[], b"USB storage active.");
        return Ok(());
    }
    match (req.method.as_str(), is_dir) {
        ("GET", true) => {
            if req.header("Accept") != Some("application/json") || !target.is_dir() {
                reply(&mut out, 404, &[], b"");
            } else {
                reply(&mut out, 200, &[], &listing(root, &target, o));
            }
        }
        ("GET", false) => match fs::read(&target) {
            Ok(b) if target.is_file() => reply(&mut out, 200, &[], &b),
            _ => reply(&mut out, 404, &[], b""),
        },
        ("PUT", true) => {
            let existed = target.is_dir();
            fs::create_dir_all(&target)?;
            reply(&mut out, if existed { 204 } else { 201 }, &[], b"");
        }
        ("PUT", false) => put(&mut reader, &mut out, root, &target, &req, o)?,
        ("DELETE", _) => {
            let r = if target.is_dir() {
                fs::remove_dir_all(&target)
            } else {
                fs::remove_file(&target)
            };
            reply(&mut out, if r.is_ok() { 204 } else { 404 }, &[], b"");
        }
        ("MOVE", false) => {
            // The firmware drops the first 3 characters ("/fs") of X-Destination.
            let to = resolve(root, &decode(dest.get(3..).unwrap_or("")));
            match to {
                None => reply(&mut out, 400, &[], b""),
                Some(_) if !target.exists() => reply(&mut out, 404, &[], b""),
                Some(to) if to.exists() => reply(&mut out, 412, &[], b""),
                Some(to) => {
                    fs::rename(&target, &to)?;
                    reply(&mut out, 201, &[], b"");
                }
            }
        }
        // An unknown method gets no answer at all.
        _ => {}
    }
    Ok(())
}

fn put(
    reader: &mut BufReader<TcpStream>,
    out: &mut TcpStream,
    root: &Path,
    target: &Path,
    req: &Request,
    o: &Options,
) -> std::io::Result<()> {
    if !target.parent().is_some_and(Path::is_dir) {
        reply(out, 404, &[], b"");
        return Ok(());
    }
    let old = fs::metadata(target).map_or(0, |m| m.len().div_ceil(o.block_size));
    let free = o
        .total_clusters
        .saturating_sub(used_clusters(root, o.block_size))
        + old;
    if (req.length as u64).div_ceil(o.block_size) > free {
        reply(out, 413, &[], b"");
        return Ok(());
    }
    let existed = target.is_file();
    // Straight into the target, at its declared size, as the firmware does.
    let file = fs::File::create(target)?;
    file.set_len(req.length as u64)?;
    let cut = o
        .drop_upload_containing
        .as_deref()
        .is_some_and(|s| req.path.contains(s));
    let take = if cut { req.length / 2 } else { req.length };
    let mut body = vec![0; take];
    reader.read_exact(&mut body)?;
    (&file).write_all(&body)?;
    if cut {
        return Ok(()); // connection dropped: no answer
    }
    reply(out, if existed { 204 } else { 201 }, &[], b"");
    Ok(())
}
