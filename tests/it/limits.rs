//! Service limits: requests beyond --max-concurrent are refused at once with RESOURCE_EXHAUSTED, a client's
//! deadline is answered with DEADLINE_EXCEEDED, and the service keeps serving after both.
use std::time::Duration;

use cac::grpc::pb;
use cac::grpc::pb::coding_client::CodingClient;
use tonic::Code;
use tonic::transport::Channel;

use crate::common::{InProcess, engine, serve_in_process};

async fn start(max_concurrent: usize) -> (CodingClient<Channel>, InProcess) {
    let server = serve_in_process(cac::grpc::ServiceOptions { max_concurrent, ..Default::default() }).await;
    (server.client().await, server)
}

/// A note long enough to keep the engine busy for a while.
fn long_note() -> String {
    "Assessment: acute on chronic systolic heart failure, type 2 diabetes with CKD stage 3b, COPD with acute \
     exacerbation, hyponatremia, left leg DVT. Na 128, creatinine 1.1 then 1.9.\n"
        .repeat(1500)
}

fn request(text: &str) -> pb::CodeNoteRequest {
    pb::CodeNoteRequest { note_id: "limits".into(), text: text.into(), ..Default::default() }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_beyond_the_limit_are_refused_at_once() {
    let (client, server) = start(1).await;
    let text = long_note();
    let calls: Vec<_> = (0..8)
        .map(|_| {
            let mut c = client.clone();
            let t = text.clone();
            tokio::spawn(async move { c.code_note(request(&t)).await.map(|_| ()).map_err(|s| s.code()) })
        })
        .collect();
    let mut outcomes = Vec::new();
    for c in calls {
        outcomes.push(c.await.unwrap());
    }
    assert!(outcomes.iter().any(Result::is_ok), "{outcomes:?}");
    assert!(outcomes.contains(&Err(Code::ResourceExhausted)), "{outcomes:?}");
    assert!(outcomes.iter().all(|o| o.is_ok() || *o == Err(Code::ResourceExhausted)), "{outcomes:?}");
    // Still serving.
    client.clone().code_note(request("Heart failure.")).await.unwrap();
    server.shutdown().await;
}

#[tokio::test]
async fn a_passed_deadline_is_deadline_exceeded_and_the_service_keeps_serving() {
    let (mut client, server) = start(4).await;
    // The deadline as any gRPC client sends it (the grpc-timeout header), without the tonic client's own timer.
    let mut r = tonic::Request::new(request("Heart failure."));
    r.metadata_mut().insert("grpc-timeout", "1m".parse().unwrap());
    let status = client.code_note(r).await.unwrap_err();
    assert_eq!(status.code(), Code::DeadlineExceeded, "{status:?}");
    // A long note with a short deadline: refused one way or the other (the transport's own timer may answer
    // CANCELLED first); the engine stops at its next stage either way.
    let mut r = tonic::Request::new(request(&long_note()));
    r.metadata_mut().insert("grpc-timeout", "20m".parse().unwrap());
    let status = client.code_note(r).await.unwrap_err();
    assert!(matches!(status.code(), Code::DeadlineExceeded | Code::Cancelled), "{status:?}");
    let mut r = tonic::Request::new(request("Heart failure."));
    r.set_timeout(Duration::from_secs(30));
    let coded = client.code_note(r).await.unwrap().into_inner();
    assert_eq!(coded.codes[0].code, "I50.9");
    server.shutdown().await;
}

/// The engine itself stops between stages once the deadline has passed.
#[test]
fn the_engine_stops_at_a_passed_deadline() {
    let note = cac::Note::new("d", "Assessment: heart failure.");
    let err = engine().code_until(&note, Some(std::time::Instant::now())).unwrap_err();
    assert!(matches!(err, cac::Error::DeadlineExceeded), "{err:?}");
    assert!(engine().code_until(&note, Some(std::time::Instant::now() + Duration::from_secs(60))).is_ok());
}

/// CodeNotes answers every note in order with its id, reports a bad note without ending the stream, and a client
/// that does not read holds the server back: it stops taking requests instead of buffering them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_notes_streams_in_order_with_flow_control() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio_stream::StreamExt;

    let (_, server) = start(4).await;
    let addr = server.addr;
    // A client with small receive windows: it holds few unread responses.
    let mut client = CodingClient::new(
        tonic::transport::Endpoint::from_shared(format!("http://{addr}"))
            .unwrap()
            .initial_stream_window_size(64 * 1024)
            .initial_connection_window_size(64 * 1024)
            .connect()
            .await
            .unwrap(),
    );
    const NOTES: usize = 400;
    let pulled = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&pulled);
    // Each note about 8 KB, so that the transport's windows hold only a part of the stream.
    let padding = "Patient seen and examined, history reviewed with the patient at the bedside. ".repeat(100);
    let requests = tokio_stream::iter(0..NOTES).map(move |n| {
        counter.fetch_add(1, Ordering::SeqCst);
        let text = if n == 7 { "   ".to_string() } else { format!("Assessment: heart failure.\n{padding}") };
        pb::CodeNoteRequest { note_id: format!("s{n}"), text, ..Default::default() }
    });
    let mut responses = client.code_notes(requests).await.unwrap().into_inner();
    // Read nothing for a while: the server must stop pulling requests.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let before_reading = pulled.load(Ordering::SeqCst);
    // The windows (1 MiB on the server's side, 64 KB on this client's) hold about 150-220 of these notes.
    assert!(before_reading < NOTES * 3 / 4, "{before_reading} of {NOTES} notes taken while nobody read the responses");
    let mut got = Vec::new();
    while let Some(r) = responses.next().await {
        got.push(r.unwrap());
    }
    assert_eq!(got.len(), NOTES);
    for (n, r) in got.iter().enumerate() {
        assert_eq!(r.note_id, format!("s{n}"));
        if n == 7 {
            assert!(r.codes.is_empty() && r.error.contains("empty"), "{r:?}");
        } else {
            assert!(r.error.is_empty() && r.codes.iter().any(|c| c.code == "I50.9"), "{r:?}");
        }
    }
    server.shutdown().await;
    eprintln!("notes taken before the client read anything: {before_reading} of {NOTES}");
}

/// With a token file, calls need `authorization: Bearer <token>` with the call's permission.
#[tokio::test]
async fn bearer_tokens_and_permissions() {
    let tokens = cac::grpc::auth::Tokens::parse(
        "tokens",
        "ehr 0123456789abcdef0123 code\ncoder 9876543210fedcba9876 code,feedback,stats\n",
    )
    .unwrap();
    let server = serve_in_process(cac::grpc::ServiceOptions { tokens: Some(tokens), ..Default::default() }).await;
    let mut client = server.client().await;
    let with = |token: Option<&str>, text: &str| {
        let mut r = tonic::Request::new(request(text));
        if let Some(t) = token {
            r.metadata_mut().insert("authorization", format!("Bearer {t}").parse().unwrap());
        }
        r
    };
    assert_eq!(client.code_note(with(None, "Heart failure.")).await.unwrap_err().code(), Code::Unauthenticated);
    let wrong = client.code_note(with(Some("0123456789abcdef0124"), "Heart failure.")).await.unwrap_err();
    assert_eq!(wrong.code(), Code::Unauthenticated);
    assert!(!wrong.message().contains("0123456789"));
    client.code_note(with(Some("0123456789abcdef0123"), "Heart failure.")).await.unwrap();
    let mut stats = tonic::Request::new(pb::GetFeedbackStatsRequest {});
    stats.metadata_mut().insert("authorization", "Bearer 0123456789abcdef0123".parse().unwrap());
    assert_eq!(client.get_feedback_stats(stats).await.unwrap_err().code(), Code::PermissionDenied);
    // The coder may ask; without a store the answer is FAILED_PRECONDITION, past authentication.
    let mut stats = tonic::Request::new(pb::GetFeedbackStatsRequest {});
    stats.metadata_mut().insert("authorization", "Bearer 9876543210fedcba9876".parse().unwrap());
    assert_eq!(client.get_feedback_stats(stats).await.unwrap_err().code(), Code::FailedPrecondition);
    server.shutdown().await;
}

/// An empty CodeNotes stream ends cleanly with no responses; a client that goes away mid-stream leaves the server
/// serving, and its permit is given back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn empty_streams_and_clients_that_leave() {
    use tokio_stream::StreamExt;
    let (mut client, server) = start(1).await;
    let mut empty =
        client.code_notes(tokio_stream::iter(Vec::<pb::CodeNoteRequest>::new())).await.unwrap().into_inner();
    assert!(empty.next().await.is_none(), "no notes, no responses");
    // Leave after the first answer of a long stream.
    let requests = tokio_stream::iter(0..10_000).map(|n| pb::CodeNoteRequest {
        note_id: format!("x{n}"),
        text: "Assessment: heart failure.".into(),
        ..Default::default()
    });
    let mut responses = client.code_notes(requests).await.unwrap().into_inner();
    assert!(responses.next().await.unwrap().is_ok());
    drop(responses);
    // With a limit of one, the next call only succeeds once the abandoned stream has given its permit back.
    let started = std::time::Instant::now();
    loop {
        match client.code_note(request("Heart failure.")).await {
            Ok(_) => break,
            Err(s) if s.code() == Code::ResourceExhausted && started.elapsed() < Duration::from_secs(20) => {
                tokio::time::sleep(Duration::from_millis(50)).await
            }
            Err(s) => panic!("the server did not recover after a client left: {s:?}"),
        }
    }
    server.shutdown().await;
}

/// Bytes that are not a CodeNoteRequest get a clear error status, and the service keeps serving.
#[tokio::test]
async fn malformed_protobuf_is_refused_and_the_service_keeps_serving() {
    let (mut client, server) = start(4).await;
    let addr = server.addr;
    let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (h2, connection) = h2::client::handshake(tcp).await.unwrap();
    tokio::spawn(async move {
        let _ = connection.await;
    });
    let mut h2 = h2.ready().await.unwrap();
    let raw = http::Request::builder()
        .method("POST")
        .uri(format!("http://{addr}/cac.v1.Coding/CodeNote"))
        .header("content-type", "application/grpc")
        .header("te", "trailers")
        .body(())
        .unwrap();
    let (response, mut body) = h2.send_request(raw, false).unwrap();
    // A gRPC frame (not compressed, 6 bytes) holding bytes that are no valid protobuf message.
    let frame: &[u8] = &[0, 0, 0, 0, 6, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
    body.send_data(bytes::Bytes::from_static(frame), true).unwrap();
    let response = response.await.unwrap();
    let (head, mut recv) = response.into_parts();
    // The status is in the trailers (or in the headers of a trailers-only response).
    let mut status = head.headers.get("grpc-status").map(|v| v.to_str().unwrap().to_string());
    while let Some(chunk) = recv.data().await {
        let _ = chunk;
    }
    if status.is_none() {
        let trailers = recv.trailers().await.unwrap().unwrap();
        status = trailers.get("grpc-status").map(|v| v.to_str().unwrap().to_string());
    }
    let code = status.expect("a grpc-status").parse::<i32>().unwrap();
    assert!(
        [Code::Internal as i32, Code::InvalidArgument as i32].contains(&code),
        "malformed message answered with status {code}"
    );
    client.code_note(request("Heart failure.")).await.unwrap();
    server.shutdown().await;
}

/// A note just over --max-note-bytes reaches the engine and is refused with INVALID_ARGUMENT; a message far beyond
/// it is refused by the transport before it is decoded (tonic says OUT_OF_RANGE); the service keeps serving.
#[tokio::test]
async fn oversized_messages_are_refused_clearly_and_the_service_keeps_serving() {
    let (mut client, server) = start(4).await;
    let client_limit = 16 << 20;
    let mut big = client.clone().max_encoding_message_size(client_limit);
    let limit = engine().max_note_bytes();
    let just_over = big.code_note(request(&"a".repeat(limit + 1))).await.unwrap_err();
    assert_eq!(just_over.code(), Code::InvalidArgument, "{just_over:?}");
    assert!(just_over.message().contains("--max-note-bytes"), "{}", just_over.message());
    let far_over = big.code_note(request(&"a".repeat(limit * 3))).await.unwrap_err();
    assert_eq!(far_over.code(), Code::OutOfRange, "{far_over:?}");
    assert!(far_over.message().contains("too large") && !far_over.message().contains("aaaa"), "{far_over:?}");
    client.code_note(request("Heart failure.")).await.unwrap();
    server.shutdown().await;
}

/// TLS with client certificates required: a client with a certificate from the CA is served, one without is not,
/// and a plain-text client cannot talk to the server at all.
#[tokio::test]
async fn tls_with_client_certificates() {
    use tonic::transport::{Certificate, ClientTlsConfig, Endpoint, Identity};
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issue = |name: &str| {
        let key = rcgen::KeyPair::generate().unwrap();
        let cert =
            rcgen::CertificateParams::new(vec![name.to_string()]).unwrap().signed_by(&key, &ca, &ca_key).unwrap();
        (cert.pem(), key.serialize_pem())
    };
    let (server_cert, server_key) = issue("localhost");
    let (client_cert, client_key) = issue("coder-ui");
    let tls = cac::grpc::TlsFiles {
        cert_pem: server_cert.into_bytes(),
        key_pem: server_key.into_bytes(),
        client_ca_pem: Some(ca.pem().into_bytes()),
    };
    let server = serve_in_process(cac::grpc::ServiceOptions { tls: Some(tls), ..Default::default() }).await;
    let port = server.addr.port();
    let tls = ClientTlsConfig::new().ca_certificate(Certificate::from_pem(ca.pem())).domain_name("localhost");
    let url = format!("https://localhost:{port}");
    let with_cert = Endpoint::from_shared(url.clone())
        .unwrap()
        .tls_config(tls.clone().identity(Identity::from_pem(&client_cert, &client_key)))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let coded = CodingClient::new(with_cert).code_note(request("Heart failure.")).await.unwrap().into_inner();
    assert_eq!(coded.codes[0].code, "I50.9");
    // Without a client certificate: refused during the handshake or on the first call.
    let refused = match Endpoint::from_shared(url).unwrap().tls_config(tls).unwrap().connect().await {
        Err(_) => true,
        Ok(channel) => CodingClient::new(channel).code_note(request("Heart failure.")).await.is_err(),
    };
    assert!(refused, "a client without a certificate was served");
    // Plain text against TLS.
    let plain = match Endpoint::from_shared(format!("http://127.0.0.1:{port}")).unwrap().connect().await {
        Err(_) => true,
        Ok(channel) => CodingClient::new(channel).code_note(request("Heart failure.")).await.is_err(),
    };
    assert!(plain, "a plain-text client was served by the TLS server");
    server.shutdown().await;
}
