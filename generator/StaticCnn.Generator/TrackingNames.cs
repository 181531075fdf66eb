namespace StaticCnn.Generator;

/// <summary>The names of the pipeline steps (<c>WithTrackingName</c>), for incrementality tests.</summary>
public static class TrackingNames
{
    /// <summary>[Network] class → <c>NetworkSpec</c> (values only).</summary>
    public const string Parse = "Parse";
    /// <summary>NetworkSpec → NetworkModel: graph resolved, shapes inferred, diagnostics.</summary>
    public const string Infer = "Infer";
    /// <summary>NetworkModel → NetworkPlan: arena and workspace offsets, summary.</summary>
    public const string Plan = "Plan";
    /// <summary>Layer attribute on a property of a class without [Network] (SCNN0012).</summary>
    public const string Orphans = "Orphans";
}
