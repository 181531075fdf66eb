using StaticCnn.Schedules;
using Xunit;

namespace StaticCnn.Tests.Runtime;

/// <summary>Learning-rate sequences against PyTorch 1.13 (tools/make_runtime_fixtures.py, schedules.safetensors).</summary>
public class ScheduleTests
{
    private static readonly Fixture F = Fixture.Load("runtime/schedules.safetensors");

    private static void Check(string name, LearningRateSchedule s, bool perBatch, bool checkMomentum = false)
    {
        double[] lr = F.Doubles(name + ".lr");
        double[] mom = F.Doubles(name + ".momentum");
        double[]? metric = F.Has(name + ".metric") ? F.Doubles(name + ".metric") : null;
        for (int i = 0; i < lr.Length; i++)
        {
            Assert.True(Math.Abs(lr[i] - s.LearningRate) <= 1e-7 * lr[i] + 1e-12, $"{name} step {i}: lr {s.LearningRate:R} vs torch {lr[i]:R}");
            if (checkMomentum)
                Assert.True(Math.Abs(mom[i] - s.Momentum) <= 1e-6, $"{name} step {i}: momentum {s.Momentum:R} vs torch {mom[i]:R}");
            if (perBatch) s.StepBatch();
            else s.StepEpoch(metric?[i] ?? double.NaN);
        }
    }

    [Fact] public void StepLRMatchesPyTorch() => Check("step", new StepLR(0.1f, 3, 0.5f), false);
    [Fact] public void CosineMatchesPyTorch() => Check("cosine", new CosineAnnealingLR(0.1f, 10, 0.001f), false);
    [Fact] public void OneCycleMatchesPyTorch() => Check("onecycle", new OneCycleLR(0.1f, 25), true, checkMomentum: true);
    [Fact] public void OneCycleAdamMatchesPyTorch() => Check("onecycle_adam", new OneCycleLR(0.01f, 17, pctStart: 0.25f), true, checkMomentum: true);
    [Fact] public void PlateauMaxMatchesPyTorch() => Check("plateau_max", new ReduceLROnPlateau(0.1f, PlateauMode.Max, 0.1f, 2), false);
    [Fact]
    public void PlateauMinAbsCooldownMatchesPyTorch()
        => Check("plateau_min", new ReduceLROnPlateau(0.1f, PlateauMode.Min, 0.5f, 1, 0.01f, relativeThreshold: false, cooldown: 1, minLearningRate: 0.02f), false);
}
