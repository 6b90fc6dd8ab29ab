//! Errors of the two faces of the sandbox: Graph API failures (Meta codes, rendered as Meta's
//! error object) and control API failures (plain JSON with a message naming what was wrong).

/// A Graph API request Meta would refuse: a Meta error code and its `error_data.details`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GraphFailure {
    pub(crate) code: i64,
    pub(crate) subcode: Option<i64>,
    pub(crate) details: String,
    /// Graph's own `message` and `type`, for errors outside the WhatsApp code table (the
    /// table's title and `OAuthException` otherwise).
    pub(crate) message: Option<(String, &'static str)>,
}

impl GraphFailure {
    pub(crate) fn new(code: i64, details: impl Into<String>) -> Self {
        GraphFailure {
            code,
            subcode: None,
            details: details.into(),
            message: None,
        }
    }

    /// A generic Graph error (not WhatsApp's table): its `message` and `type` as Graph writes
    /// them; the message is also the details.
    pub(crate) fn graph(code: i64, message: &str, type_: &'static str) -> Self {
        GraphFailure {
            message: Some((message.to_owned(), type_)),
            ..GraphFailure::new(code, message)
        }
    }

    pub(crate) fn with_subcode(mut self, subcode: i64) -> Self {
        self.subcode = Some(subcode);
        self
    }

    /// Error 100 for a bad parameter.
    pub(crate) fn invalid_parameter(details: impl Into<String>) -> Self {
        GraphFailure::new(100, details)
    }

    /// Error 100/33: the object in the path does not exist (Graph's wording).
    pub(crate) fn unknown_object(id: &str) -> Self {
        GraphFailure::new(
            100,
            format!(
                "Unsupported request - method type: post or get. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation."
            ),
        )
        .with_subcode(33)
    }
}

impl From<meta::error::Rejection> for GraphFailure {
    fn from(r: meta::error::Rejection) -> Self {
        GraphFailure::new(r.code.code(), r.details)
    }
}

/// A control API request that cannot be carried out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ControlError {
    pub(crate) status: u16,
    pub(crate) message: String,
}

impl ControlError {
    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        ControlError {
            status: 400,
            message: message.into(),
        }
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        ControlError {
            status: 404,
            message: message.into(),
        }
    }

    pub(crate) fn conflict(message: impl Into<String>) -> Self {
        ControlError {
            status: 409,
            message: message.into(),
        }
    }
}
