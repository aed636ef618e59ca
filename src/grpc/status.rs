//! Engine errors as gRPC statuses: the one place where this mapping lives.
use tonic::{Code, Status};

use crate::error::Error;

impl From<Error> for Status {
    fn from(e: Error) -> Status {
        let code = match &e {
            Error::EmptyText | Error::TextTooLarge { .. } | Error::InvalidArgument { .. } => Code::InvalidArgument,
            Error::UnknownCode { .. } => Code::NotFound,
            Error::Internal { .. } => Code::Internal,
        };
        // Error messages are written never to contain note text, so they can go to the caller as they are.
        Status::new(code, e.to_string())
    }
}
