//! A tiny HTTP/1.1 responder for `/metrics`, `/healthz` and `/readyz`: one request per
//! connection, GET only. Enough for Prometheus and Kubernetes probes.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use super::Telemetry;

/// Binds `addr` (errors come back at once) and serves until `shutdown` turns true.
pub async fn serve(
    addr: SocketAddr,
    telemetry: Arc<Telemetry>,
    shutdown: watch::Receiver<bool>,
) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
    let listener = TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    tracing::info!(addr = %local, "Metrics and health endpoint listening.");
    let handle = tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = crate::service::stopped(shutdown.clone()) => break,
                accepted = listener.accept() => match accepted {
                    Ok((stream, _)) => {
                        let telemetry = telemetry.clone();
                        tokio::spawn(async move {
                            let _ = tokio::time::timeout(Duration::from_secs(5), respond(stream, &telemetry)).await;
                        });
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "Accepting a metrics connection failed.");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                },
            }
        }
    });
    Ok((local, handle))
}

async fn respond(mut stream: TcpStream, telemetry: &Telemetry) -> std::io::Result<()> {
    let mut buf = vec![0u8; 4096];
    let mut len = 0;
    // Read the request head (the request line is all we need).
    while len < buf.len() {
        let n = stream.read(&mut buf[len..]).await?;
        if n == 0 {
            break;
        }
        len += n;
        if buf[..len].windows(4).any(|w| w == b"\r\n\r\n") || buf[..len].contains(&b'\n') {
            break;
        }
    }
    let head = String::from_utf8_lossy(&buf[..len]);
    let mut parts = head.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let path = path.split('?').next().unwrap_or("");
    let (code, content_type, body) = if method != "GET" && method != "HEAD" {
        (405, "text/plain", "only GET\n".to_owned())
    } else {
        match path {
            "/metrics" => (
                200,
                "text/plain; version=0.0.4; charset=utf-8",
                telemetry.metrics.render(),
            ),
            "/healthz" => (200, "text/plain", "ok\n".to_owned()),
            "/readyz" => {
                let (code, body) = telemetry.readiness();
                (code, "text/plain", body)
            }
            _ => (
                404,
                "text/plain",
                "not found: try /metrics, /healthz, /readyz\n".to_owned(),
            ),
        }
    };
    let reason = match code {
        200 => "OK",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Service Unavailable",
    };
    let mut response = format!(
        "HTTP/1.1 {code} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    if method != "HEAD" {
        response.extend_from_slice(body.as_bytes());
    }
    stream.write_all(&response).await?;
    stream.shutdown().await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::telemetry::Phase;

    async fn get(addr: SocketAddr, path: &str) -> String {
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
            .await
            .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).await.unwrap();
        out
    }

    #[tokio::test]
    async fn serves_health_readiness_and_metrics() {
        let t = Telemetry::new();
        let (tx, rx) = watch::channel(false);
        let (addr, handle) = serve("127.0.0.1:0".parse().unwrap(), t.clone(), rx)
            .await
            .unwrap();
        assert!(get(addr, "/healthz").await.starts_with("HTTP/1.1 200"));
        let ready = get(addr, "/readyz").await;
        assert!(ready.starts_with("HTTP/1.1 503"), "{ready}");
        t.set_phase(Phase::Consuming);
        let ready = get(addr, "/readyz").await;
        assert!(ready.starts_with("HTTP/1.1 200") && ready.contains("model: lexical-only"));
        let metrics = get(addr, "/metrics").await;
        assert!(metrics.contains("claimwire_consumed_total 0"), "{metrics}");
        assert!(get(addr, "/nope").await.starts_with("HTTP/1.1 404"));
        tx.send(true).unwrap();
        handle.await.unwrap();
    }
}
