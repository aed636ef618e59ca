//! Engine errors as gRPC statuses: the one place where this mapping lives.
use tonic::{Code, Status};

use crate::error::Error;

impl From<Error> for Status {
    fn from(e: Error) -> Status {
        let code = match &e {
            Error::EmptyText | Error::TextTooLarge { .. } | Error::InvalidArgument { .. } => Code::InvalidArgument,
            Error::UnknownCode { .. } => Code::NotFound,
            Error::Internal { .. } => Code::Internal,
            Error::DeadlineExceeded => Code::DeadlineExceeded,
        };
        // Error messages are written never to contain note text, so they can go to the caller as they are.
        Status::new(code, e.to_string())
    }
}

impl From<crate::store::StoreError> for Status {
    fn from(e: crate::store::StoreError) -> Status {
        use crate::store::StoreError;
        match &e {
            StoreError::Invalid(_) => Status::new(Code::InvalidArgument, e.to_string()),
            // The database's own message stays in the server log; the caller learns the write did not happen.
            StoreError::Database(_) | StoreError::Io(_) => {
                tracing::error!(error = %e, "feedback store failure");
                Status::new(Code::Unavailable, "the feedback store could not complete the request; retry")
            }
        }
    }
}
