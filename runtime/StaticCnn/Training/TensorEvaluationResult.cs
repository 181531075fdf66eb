namespace StaticCnn.Training;

/// <summary>
/// Loss terms and metrics of a network with named outputs over a <see cref="Data.TensorDataset"/>
/// (<see cref="Trainer.Evaluate(INetwork, Data.TensorDataset, IReadOnlyList{LossTerm}, IReadOnlyList{MetricTerm}?, int)"/>).
/// </summary>
/// <param name="Loss">The total Σ weight × term mean; NaN without loss terms.</param>
/// <param name="Losses">Each term's (unweighted) mean, labelled as in the training history.</param>
/// <param name="Metrics">Each metric's result.</param>
/// <param name="Count">Samples evaluated.</param>
public sealed record TensorEvaluationResult(float Loss, IReadOnlyList<NamedValue> Losses, IReadOnlyList<NamedValue> Metrics, int Count)
{
    /// <summary>The metric named <paramref name="name"/>, or NaN.</summary>
    public double Metric(string name) => NamedValue.Find(Metrics, name);
}
