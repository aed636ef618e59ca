//! Service limits: requests beyond --max-concurrent are refused at once with RESOURCE_EXHAUSTED, a client's
//! deadline is answered with DEADLINE_EXCEEDED, and the service keeps serving after both.
use std::time::Duration;

use cac::grpc::pb;
use cac::grpc::pb::coding_client::CodingClient;
use tokio::sync::oneshot;
use tonic::Code;
use tonic::transport::Channel;

use crate::common::engine;

async fn start(max_concurrent: usize) -> (CodingClient<Channel>, oneshot::Sender<()>, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let options = cac::grpc::ServiceOptions { store: None, max_concurrent };
        cac::grpc::serve_with(engine(), options, listener, async {
            let _ = stopped.await;
        })
        .await
        .unwrap();
    });
    let channel = Channel::from_shared(format!("http://{addr}")).unwrap().connect().await.unwrap();
    (CodingClient::new(channel), stop, task)
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
    let (client, stop, task) = start(1).await;
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
    let _ = stop.send(());
    task.await.unwrap();
}

#[tokio::test]
async fn a_passed_deadline_is_deadline_exceeded_and_the_service_keeps_serving() {
    let (mut client, stop, task) = start(4).await;
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
    let _ = stop.send(());
    task.await.unwrap();
}

/// The engine itself stops between stages once the deadline has passed.
#[test]
fn the_engine_stops_at_a_passed_deadline() {
    let note = cac::Note::new("d", "Assessment: heart failure.");
    let err = engine().code_until(&note, Some(std::time::Instant::now())).unwrap_err();
    assert!(matches!(err, cac::Error::DeadlineExceeded), "{err:?}");
    assert!(engine().code_until(&note, Some(std::time::Instant::now() + Duration::from_secs(60))).is_ok());
}
