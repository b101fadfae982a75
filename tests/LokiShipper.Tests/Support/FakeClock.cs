using Microsoft.Extensions.Time.Testing;

namespace LokiShipper.Tests.Support;

/// <summary>Drives a <see cref="FakeTimeProvider"/> forward until a task completes, so retry delays take no real time.</summary>
public static class FakeClock
{
    public static readonly DateTimeOffset Start = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    public static FakeTimeProvider New() => new(Start) { AutoAdvanceAmount = TimeSpan.Zero };

    /// <summary>Advances the clock in <paramref name="step"/>s (default 10 ms) until <paramref name="task"/> completes.</summary>
    public static async Task<T> RunAsync<T>(FakeTimeProvider time, Task<T> task, TimeSpan? step = null, TimeSpan? limit = null)
    {
        var increment = step ?? TimeSpan.FromMilliseconds(10);
        var end = time.GetUtcNow() + (limit ?? TimeSpan.FromHours(1));
        while (!task.IsCompleted)
        {
            if (time.GetUtcNow() > end)
            {
                throw new TimeoutException("the task did not complete within the simulated time limit");
            }

            // Let continuations scheduled by the previous step run before moving the clock again.
            await Task.WhenAny(task, Task.Delay(1));
            if (!task.IsCompleted)
            {
                time.Advance(increment);
            }
        }

        return await task;
    }
}
