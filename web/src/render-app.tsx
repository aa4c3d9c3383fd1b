/** React and the app: loaded by main.ts once the first requests are on their way. */
import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { flushSync } from "react-dom";
import { createRoot } from "react-dom/client";
import { queryClient, TRPCProvider, trpcClient } from "./api.js";
import { App } from "./app.js";
import { earlyRequestsSettled } from "./early-requests.js";

function render() {
  const root = createRoot(document.getElementById("root")!);
  // At once, in this task: a scheduled render waited behind whatever the browser queued meanwhile.
  flushSync(() =>
    root.render(
      <StrictMode>
        <QueryClientProvider client={queryClient}>
          <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
            <App />
          </TRPCProvider>
        </QueryClientProvider>
      </StrictMode>,
    ),
  );
}

// The answers are usually in by the time this chunk has been evaluated; a slow one gets 150 ms
// before the page renders without it (and shows its loading state).
void earlyRequestsSettled(150).then(render);
