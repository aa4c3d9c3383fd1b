import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useLocation } from "wouter";
import { useTRPC } from "../api.js";
import { Page } from "../components/page.js";
import { ScheduleForm } from "../components/schedule-form.js";
import { emptyScheduleForm, toScheduleInput } from "../schedule-form-values.js";

export function NewSchedulePage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const [initial] = useState(emptyScheduleForm);
  const create = useMutation(trpc.schedules.create.mutationOptions());
  return (
    <Page title="New schedule">
      <ScheduleForm
        initial={initial}
        submitLabel="Create schedule"
        onSubmit={async (values) => {
          await create.mutateAsync(toScheduleInput(values));
          await queryClient.invalidateQueries({ queryKey: trpc.schedules.list.pathKey() });
          navigate("/schedules");
        }}
      >
        <Link href="/schedules" className="button secondary">
          Cancel
        </Link>
      </ScheduleForm>
    </Page>
  );
}
