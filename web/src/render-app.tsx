/** React and the app: loaded by main.ts once the first requests are on their way. */
import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { queryClient, TRPCProvider, trpcClient } from "./api.js";
import { App } from "./app.js";
import { earlyRequestsSettled } from "./early-requests.js";

function render() {
  createRoot(document.getElementById("root")!).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
          <App />
        </TRPCProvider>
      </QueryClientProvider>
    </StrictMode>,
  );
}

// The answers are usually in by the time this chunk has been evaluated; a slow one gets 150 ms
// before the page renders without it (and shows its loading state).
void earlyRequestsSettled(150).then(render);
