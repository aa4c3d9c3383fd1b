/** Generated from GET /openapi.json by openapi-typescript (test/support/openapi-client-types.ts); do not edit. */
export interface paths {
    "/v1/schedules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List schedules
         * @description Newest first. `count` is the number of schedules in this page, as in the seed; the next page starts at `cursor=next_cursor`.
         */
        get: operations["schedulesList"];
        put?: never;
        /**
         * Create a schedule
         * @description Returns the schedule with `next_run_at` already computed. The seed's body is valid as it is.
         */
        post: operations["schedulesCreate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/schedules/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a schedule
         * @description 404 when it does not exist or belongs to another account.
         */
        get: operations["schedulesGet"];
        put?: never;
        post?: never;
        /**
         * Delete a schedule
         * @description Its runs go with it; stored reports and the email log stay, unlinked.
         */
        delete: operations["schedulesDelete"];
        options?: never;
        head?: never;
        /**
         * Update a schedule
         * @description Partial: send only the fields to change. The rules are re-checked on the merged result; `next_run_at` is recomputed (from now) when timing or `active` changes, and left alone otherwise.
         */
        patch: operations["schedulesUpdate"];
        trace?: never;
    };
    "/v1/schedules/{id}/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A schedule's runs
         * @description Newest first: status, kind, attempts, error and report id of each.
         */
        get: operations["schedulesRuns"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/schedules/{id}/run-now": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Run a schedule now
         * @description Queues a `manual` run for now; `next_run_at` is untouched. The run comes back `queued`, or `pending` when the broker was unavailable (the next tick publishes it). 409 when the schedule already ran this minute; 429 over the account's runNow or recipients-per-day limit.
         */
        post: operations["schedulesRunNow"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/schedules/{id}/send-test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a test report
         * @description Renders the report now and sends it as a `test` run to `to` — some of the schedule's own recipients (400 for any other address) — or to all of them. 429 over the per-schedule or per-account test limit or the recipients-per-day quota.
         */
        post: operations["schedulesSendTest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/reports": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List stored reports */
        get: operations["reportsList"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/reports/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a report with a short-lived download URL */
        get: operations["reportsGet"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/email/log": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The email log
         * @description One entry per recipient per run: status, SMTP response code, message id, error.
         */
        get: operations["emailLog"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/email/unsubscribe": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Unsubscribe with an HMAC token
         * @description Public (the token is the authorisation). Idempotent. The token is the hex HMAC-SHA256 of `"<email>:<account_id>"`; unlike the seed, the body carries `account_id`.
         */
        post: operations["emailUnsubscribe"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/email/unsubscribe/token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Mint an unsubscribe token (development only)
         * @description For testing the unsubscribe flow. Absent (404) when ENVIRONMENT=production.
         */
        get: operations["emailUnsubscribeToken"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/suppressions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The account's do-not-email list */
        get: operations["suppressionsList"];
        put?: never;
        /**
         * Add an address to the do-not-email list
         * @description Idempotent: `added` is false when the address was already there.
         */
        post: operations["suppressionsAdd"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/suppressions/{email}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove an address from the do-not-email list */
        delete: operations["suppressionsRemove"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Schedule: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            account_id: string;
            name: string;
            report_type: string;
            city: string | null;
            zip_codes: string[];
            lookback_days: number;
            /** @enum {string} */
            cadence: "daily" | "weekly" | "monthly";
            weekly_dow: number | null;
            monthly_dom: number | null;
            send_hour: number;
            send_minute: number;
            timezone: string;
            recipients: string[];
            include_attachment: boolean;
            filters: {
                [key: string]: unknown;
            };
            active: boolean;
            last_run_at: string | null;
            next_run_at: string | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
        };
        Error: {
            /**
             * @description The tRPC error code
             * @example BAD_REQUEST
             * @example UNAUTHORIZED
             * @example FORBIDDEN
             * @example NOT_FOUND
             * @example CONFLICT
             * @example TOO_MANY_REQUESTS
             * @example INTERNAL_SERVER_ERROR
             */
            code: string;
            /** @description Names the field and the rule it broke; an internal error gives only a request id */
            message: string;
            /** @description 400 only: every field that broke a rule */
            issues?: components["schemas"]["FieldIssue"][];
        };
        FieldIssue: {
            /**
             * @description Dotted path of the field
             * @example recipients.0
             */
            path: string;
            /** @example recipients[0]: must be a valid email address */
            message: string;
        };
        ScheduleList: {
            schedules: components["schemas"]["ScheduleListItem"][];
            count: number;
            next_cursor: string | null;
        };
        ScheduleListItem: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            account_id: string;
            name: string;
            report_type: string;
            city: string | null;
            zip_codes: string[];
            lookback_days: number;
            /** @enum {string} */
            cadence: "daily" | "weekly" | "monthly";
            weekly_dow: number | null;
            monthly_dom: number | null;
            send_hour: number;
            send_minute: number;
            timezone: string;
            recipients: string[];
            include_attachment: boolean;
            filters: {
                [key: string]: unknown;
            };
            active: boolean;
            last_run_at: string | null;
            next_run_at: string | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
            last_run: {
                /** @enum {string} */
                kind: "scheduled" | "manual" | "test";
                /** @enum {string} */
                status: "pending" | "queued" | "running" | "completed" | "partial" | "failed" | "skipped";
                /** Format: date-time */
                scheduled_for: string;
                finished_at: string | null;
            } | null;
        };
        ScheduleRunList: {
            runs: components["schemas"]["ScheduleRun"][];
            count: number;
        };
        ScheduleRun: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            schedule_id: string;
            report_run_id: string | null;
            /** Format: date-time */
            scheduled_for: string;
            /** @enum {string} */
            kind: "scheduled" | "manual" | "test";
            /** @enum {string} */
            status: "pending" | "queued" | "running" | "completed" | "partial" | "failed" | "skipped";
            attempts: number;
            error: string | null;
            summary: {
                [key: string]: unknown;
            } | null;
            started_at: string | null;
            finished_at: string | null;
            /** Format: date-time */
            created_at: string;
        };
        ReportList: {
            reports: components["schemas"]["Report"][];
            count: number;
            next_cursor: string | null;
        };
        Report: {
            /** Format: uuid */
            id: string;
            schedule_id: string | null;
            run_id: string | null;
            report_type: string;
            /** @enum {string} */
            status: "completed" | "failed";
            period_start: string | null;
            period_end: string | null;
            has_pdf: boolean;
            size_bytes: number | null;
            summary: {
                [key: string]: unknown;
            } | null;
            error: string | null;
            /** Format: date-time */
            created_at: string;
        };
        ReportWithDownload: {
            /** Format: uuid */
            id: string;
            schedule_id: string | null;
            run_id: string | null;
            report_type: string;
            /** @enum {string} */
            status: "completed" | "failed";
            period_start: string | null;
            period_end: string | null;
            has_pdf: boolean;
            size_bytes: number | null;
            summary: {
                [key: string]: unknown;
            } | null;
            error: string | null;
            /** Format: date-time */
            created_at: string;
            /** @description Short-lived: presigned on S3, else a signed /r/ link */
            download_url: string | null;
            download_url_expires_at: string | null;
        };
        EmailLog: {
            entries: components["schemas"]["EmailLogEntry"][];
            count: number;
            next_cursor: string | null;
        };
        EmailLogEntry: {
            /** Format: uuid */
            id: string;
            schedule_id: string | null;
            run_id: string | null;
            report_id: string | null;
            provider: string | null;
            to_emails: string[];
            subject: string | null;
            /** @enum {string} */
            status: "sending" | "sent" | "failed" | "suppressed";
            response_code: number | null;
            retryable: boolean;
            message_id: string | null;
            error: string | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
        };
        UnsubscribeResult: {
            email: string;
            /** Format: uuid */
            account_id: string;
            already_unsubscribed: boolean;
        };
        UnsubscribeToken: {
            email: string;
            /** Format: uuid */
            account_id: string;
            token: string;
            url: string;
        };
        SuppressionList: {
            suppressions: components["schemas"]["Suppression"][];
            count: number;
            next_cursor: string | null;
        };
        Suppression: {
            email: string;
            reason: string | null;
            /** Format: date-time */
            created_at: string;
        };
        SuppressionAdded: {
            email: string;
            /** @description false when the address was already on the list */
            added: boolean;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    schedulesList: {
        parameters: {
            query?: {
                active_only?: boolean;
                status?: "active" | "paused" | "all";
                name_contains?: string;
                limit?: number;
                cursor?: string | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ScheduleList"];
                };
            };
            /** @description The input broke a rule (or the body is not JSON); nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "BAD_REQUEST",
                     *       "message": "recipients[0]: must be a valid email address",
                     *       "issues": [
                     *         {
                     *           "path": "recipients.0",
                     *           "message": "recipients[0]: must be a valid email address"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "UNAUTHORIZED",
                     *       "message": "Unknown or revoked API key"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Internal error; the log has the details under the request id */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "INTERNAL_SERVER_ERROR",
                     *       "message": "Internal server error (request id 6f1c…)"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    schedulesCreate: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "name": "Weekly Market Snapshot",
                 *       "report_type": "market_snapshot",
                 *       "city": "San Diego",
                 *       "cadence": "weekly",
                 *       "weekly_dow": 1,
                 *       "send_hour": 9,
                 *       "send_minute": 0,
                 *       "recipients": [
                 *         "client@example.com"
                 *       ],
                 *       "active": true
                 *     }
                 */
                "application/json": {
                    name: string;
                    /** @enum {string} */
                    report_type: "market_snapshot" | "new_listings" | "closed_sales" | "inventory";
                    city?: string | null;
                    zip_codes?: string[];
                    /** @default 30 */
                    lookback_days?: number;
                    /** @enum {string} */
                    cadence: "daily" | "weekly" | "monthly";
                    weekly_dow?: number | null;
                    monthly_dom?: number | null;
                    /** @default 9 */
                    send_hour?: number;
                    /** @default 0 */
                    send_minute?: number;
                    /** @default UTC */
                    timezone?: string;
                    recipients: string[];
                    /** @default false */
                    include_attachment?: boolean;
                    /** @default {} */
                    filters?: {
                        property_types?: ("residential" | "condominium" | "multifamily" | "land" | "mobilehome" | "farm")[];
                        min_price?: number;
                        max_price?: number;
                        min_beds?: number;
                        min_baths?: number;
                        min_sqft?: number;
                        max_sqft?: number;
                        min_year_built?: number;
                        max_year_built?: number;
                    };
                    /** @default true */
                    active?: boolean;
                };
            };
        };
        responses: {
            /** @description Success */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Schedule"];
                };
            };
            /** @description The input broke a rule (or the body is not JSON); nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "BAD_REQUEST",
                     *       "message": "recipients[0]: must be a valid email address",
                     *       "issues": [
                     *         {
                     *           "path": "recipients.0",
                     *           "message": "recipients[0]: must be a valid email address"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "UNAUTHORIZED",
                     *       "message": "Unknown or revoked API key"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Over one of the account's quotas; nothing was changed */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "FORBIDDEN",
                     *       "message": "active schedules quota reached: this account may have 1000 active schedules (QUOTA_ACTIVE_SCHEDULES); deactivate or delete one first"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Internal error; the log has the details under the request id */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "INTERNAL_SERVER_ERROR",
                     *       "message": "Internal server error (request id 6f1c…)"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    schedulesGet: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Schedule"];
                };
            };
            /** @description The input broke a rule (or the body is not JSON); nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "BAD_REQUEST",
                     *       "message": "recipients[0]: must be a valid email address",
                     *       "issues": [
                     *         {
                     *           "path": "recipients.0",
                     *           "message": "recipients[0]: must be a valid email address"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "UNAUTHORIZED",
                     *       "message": "Unknown or revoked API key"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Absent, or another account's */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "NOT_FOUND",
                     *       "message": "schedule not found"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Internal error; the log has the details under the request id */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "INTERNAL_SERVER_ERROR",
                     *       "message": "Internal server error (request id 6f1c…)"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    schedulesDelete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done; no body */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The input broke a rule (or the body is not JSON); nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "BAD_REQUEST",
                     *       "message": "recipients[0]: must be a valid email address",
                     *       "issues": [
                     *         {
                     *           "path": "recipients.0",
                     *           "message": "recipients[0]: must be a valid email address"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "UNAUTHORIZED",
                     *       "message": "Unknown or revoked API key"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Absent, or another account's */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "NOT_FOUND",
                     *       "message": "schedule not found"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Internal error; the log has the details under the request id */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "INTERNAL_SERVER_ERROR",
                     *       "message": "Internal server error (request id 6f1c…)"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    schedulesUpdate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "active": false,
                 *       "send_hour": 10
                 *     }
                 */
                "application/json": {
                    name?: string;
                    /** @enum {string} */
                    report_type?: "market_snapshot" | "new_listings" | "closed_sales" | "inventory";
                    city?: string | null;
                    zip_codes?: string[];
                    lookback_days?: number;
                    /** @enum {string} */
                    cadence?: "daily" | "weekly" | "monthly";
                    weekly_dow?: number | null;
                    monthly_dom?: number | null;
                    send_hour?: number;
                    send_minute?: number;
                    timezone?: string;
                    recipients?: string[];
                    include_attachment?: boolean;
                    filters?: {
                        property_types?: ("residential" | "condominium" | "multifamily" | "land" | "mobilehome" | "farm")[];
                        min_price?: number;
                        max_price?: number;
                        min_beds?: number;
                        min_baths?: number;
                        min_sqft?: number;
                        max_sqft?: number;
                        min_year_built?: number;
                        max_year_built?: number;
                    };
                    active?: boolean;
                };
            };
        };
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Schedule"];
                };
            };
            /** @description The input broke a rule (or the body is not JSON); nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "BAD_REQUEST",
                     *       "message": "recipients[0]: must be a valid email address",
                     *       "issues": [
                     *         {
                     *           "path": "recipients.0",
                     *           "message": "recipients[0]: must be a valid email address"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "UNAUTHORIZED",
                     *       "message": "Unknown or revoked API key"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Over one of the account's quotas; nothing was changed */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "FORBIDDEN",
                     *       "message": "active schedules quota reached: this account may have 1000 active schedules (QUOTA_ACTIVE_SCHEDULES); deactivate or delete one first"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Absent, or another account's */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "NOT_FOUND",
                     *       "message": "schedule not found"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Internal error; the log has the details under the request id */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "INTERNAL_SERVER_ERROR",
                     *       "message": "Internal server error (request id 6f1c…)"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    schedulesRuns: {
        parameters: {
            query?: {
                limit?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ScheduleRunList"];
                };
            };
            /** @description The input broke a rule (or the body is not JSON); nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "BAD_REQUEST",
                     *       "message": "recipients[0]: must be a valid email address",
                     *       "issues": [
                     *         {
                     *           "path": "recipients.0",
                     *           "message": "recipients[0]: must be a valid email address"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "UNAUTHORIZED",
                     *       "message": "Unknown or revoked API key"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Absent, or another account's */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "NOT_FOUND",
                     *       "message": "schedule not found"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Internal error; the log has the details under the request id */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "INTERNAL_SERVER_ERROR",
                     *       "message": "Internal server error (request id 6f1c…)"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    schedulesRunNow: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ScheduleRun"];
                };
            };
            /** @description The input broke a rule (or the body is not JSON); nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "BAD_REQUEST",
                     *       "message": "recipients[0]: must be a valid email address",
                     *       "issues": [
                     *         {
                     *           "path": "recipients.0",
                     *           "message": "recipients[0]: must be a valid email address"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "UNAUTHORIZED",
                     *       "message": "Unknown or revoked API key"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Absent, or another account's */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "NOT_FOUND",
                     *       "message": "schedule not found"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Already done this minute */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "CONFLICT",
                     *       "message": "this schedule already ran in the last minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Over a per-hour limit or the recipients-per-day quota; try again later */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "TOO_MANY_REQUESTS",
                     *       "message": "sendTest limit reached: 10 test sends per schedule per hour (SEND_TEST_PER_SCHEDULE_PER_HOUR)"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Internal error; the log has the details under the request id */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "INTERNAL_SERVER_ERROR",
                     *       "message": "Internal server error (request id 6f1c…)"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    schedulesSendTest: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                /**
                 * @example {
                 *       "to": [
                 *         "client@example.com"
                 *       ]
                 *     }
                 */
                "application/json": {
                    to?: string[];
                };
            };
        };
        responses: {
            /** @description Success */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ScheduleRun"];
                };
            };
            /** @description The input broke a rule (or the body is not JSON); nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "BAD_REQUEST",
                     *       "message": "recipients[0]: must be a valid email address",
                     *       "issues": [
                     *         {
                     *           "path": "recipients.0",
                     *           "message": "recipients[0]: must be a valid email address"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "UNAUTHORIZED",
                     *       "message": "Unknown or revoked API key"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Absent, or another account's */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "NOT_FOUND",
                     *       "message": "schedule not found"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Already done this minute */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "CONFLICT",
                     *       "message": "this schedule already ran in the last minute"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Over a per-hour limit or the recipients-per-day quota; try again later */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "TOO_MANY_REQUESTS",
                     *       "message": "sendTest limit reached: 10 test sends per schedule per hour (SEND_TEST_PER_SCHEDULE_PER_HOUR)"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Internal error; the log has the details under the request id */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "INTERNAL_SERVER_ERROR",
                     *       "message": "Internal server error (request id 6f1c…)"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    reportsList: {
        parameters: {
            query?: {
                schedule_id?: string;
                limit?: number;
                cursor?: string | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReportList"];
                };
            };
            /** @description The input broke a rule (or the body is not JSON); nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "BAD_REQUEST",
                     *       "message": "recipients[0]: must be a valid email address",
                     *       "issues": [
                     *         {
                     *           "path": "recipients.0",
                     *           "message": "recipients[0]: must be a valid email address"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "UNAUTHORIZED",
                     *       "message": "Unknown or revoked API key"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Internal error; the log has the details under the request id */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "INTERNAL_SERVER_ERROR",
                     *       "message": "Internal server error (request id 6f1c…)"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    reportsGet: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReportWithDownload"];
                };
            };
            /** @description The input broke a rule (or the body is not JSON); nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "BAD_REQUEST",
                     *       "message": "recipients[0]: must be a valid email address",
                     *       "issues": [
                     *         {
                     *           "path": "recipients.0",
                     *           "message": "recipients[0]: must be a valid email address"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "UNAUTHORIZED",
                     *       "message": "Unknown or revoked API key"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Absent, or another account's */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "NOT_FOUND",
                     *       "message": "schedule not found"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Internal error; the log has the details under the request id */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "INTERNAL_SERVER_ERROR",
                     *       "message": "Internal server error (request id 6f1c…)"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    emailLog: {
        parameters: {
            query?: {
                schedule_id?: string;
                run_id?: string;
                limit?: number;
                cursor?: string | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EmailLog"];
                };
            };
            /** @description The input broke a rule (or the body is not JSON); nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "BAD_REQUEST",
                     *       "message": "recipients[0]: must be a valid email address",
                     *       "issues": [
                     *         {
                     *           "path": "recipients.0",
                     *           "message": "recipients[0]: must be a valid email address"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "UNAUTHORIZED",
                     *       "message": "Unknown or revoked API key"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Internal error; the log has the details under the request id */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "INTERNAL_SERVER_ERROR",
                     *       "message": "Internal server error (request id 6f1c…)"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    emailUnsubscribe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "email": "user@example.com",
                 *       "account_id": "912014c3-6deb-4b40-a28d-489ef3923a3a",
                 *       "token": "a1b2c3d4e5f60000000000000000000000000000000000000000000000000000",
                 *       "reason": "user_request"
                 *     }
                 */
                "application/json": {
                    email: string;
                    /** Format: uuid */
                    account_id: string;
                    token: string;
                    reason?: string;
                };
            };
        };
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UnsubscribeResult"];
                };
            };
            /** @description The input broke a rule (or the body is not JSON); nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "BAD_REQUEST",
                     *       "message": "recipients[0]: must be a valid email address",
                     *       "issues": [
                     *         {
                     *           "path": "recipients.0",
                     *           "message": "recipients[0]: must be a valid email address"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Internal error; the log has the details under the request id */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "INTERNAL_SERVER_ERROR",
                     *       "message": "Internal server error (request id 6f1c…)"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    emailUnsubscribeToken: {
        parameters: {
            query: {
                email: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UnsubscribeToken"];
                };
            };
            /** @description The input broke a rule (or the body is not JSON); nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "BAD_REQUEST",
                     *       "message": "recipients[0]: must be a valid email address",
                     *       "issues": [
                     *         {
                     *           "path": "recipients.0",
                     *           "message": "recipients[0]: must be a valid email address"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "UNAUTHORIZED",
                     *       "message": "Unknown or revoked API key"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Absent, or another account's */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "NOT_FOUND",
                     *       "message": "schedule not found"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Internal error; the log has the details under the request id */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "INTERNAL_SERVER_ERROR",
                     *       "message": "Internal server error (request id 6f1c…)"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    suppressionsList: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuppressionList"];
                };
            };
            /** @description The input broke a rule (or the body is not JSON); nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "BAD_REQUEST",
                     *       "message": "recipients[0]: must be a valid email address",
                     *       "issues": [
                     *         {
                     *           "path": "recipients.0",
                     *           "message": "recipients[0]: must be a valid email address"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "UNAUTHORIZED",
                     *       "message": "Unknown or revoked API key"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Internal error; the log has the details under the request id */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "INTERNAL_SERVER_ERROR",
                     *       "message": "Internal server error (request id 6f1c…)"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    suppressionsAdd: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "email": "client@example.com",
                 *       "reason": "asked by phone"
                 *     }
                 */
                "application/json": {
                    email: string;
                    reason?: string;
                };
            };
        };
        responses: {
            /** @description Success */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuppressionAdded"];
                };
            };
            /** @description The input broke a rule (or the body is not JSON); nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "BAD_REQUEST",
                     *       "message": "recipients[0]: must be a valid email address",
                     *       "issues": [
                     *         {
                     *           "path": "recipients.0",
                     *           "message": "recipients[0]: must be a valid email address"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "UNAUTHORIZED",
                     *       "message": "Unknown or revoked API key"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Internal error; the log has the details under the request id */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "INTERNAL_SERVER_ERROR",
                     *       "message": "Internal server error (request id 6f1c…)"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    suppressionsRemove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                email: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done; no body */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The input broke a rule (or the body is not JSON); nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "BAD_REQUEST",
                     *       "message": "recipients[0]: must be a valid email address",
                     *       "issues": [
                     *         {
                     *           "path": "recipients.0",
                     *           "message": "recipients[0]: must be a valid email address"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "UNAUTHORIZED",
                     *       "message": "Unknown or revoked API key"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Absent, or another account's */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "NOT_FOUND",
                     *       "message": "schedule not found"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Internal error; the log has the details under the request id */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "code": "INTERNAL_SERVER_ERROR",
                     *       "message": "Internal server error (request id 6f1c…)"
                     *     }
                     */
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
}
