using System.CommandLine;
using Gated.Serialization;

namespace Gated.Cli;

/// <summary>`gated inspect M`: where a model file came from, its layers, shapes and parameter counts.</summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("MODEL") { Description = "a Gated, ONNX, PyTorch state_dict or Keras (.keras, .h5) model file", Arity = ArgumentArity.ZeroOrOne };
        var head = ConvertCommand.HeadOption("when MODEL is a state_dict: its Linear head reads the last step or every step");
        var nonlinearity = ConvertCommand.NonlinearityOption("when MODEL is a state_dict of nn.RNN");
        var command = new Command("inspect", "describe a model file: origin, layers, parameter counts") { path, head, nonlinearity };
        command.Validators.Add(result =>
        {
            if (result.GetResult(path) is null)
            {
                result.AddError("inspect needs a model file: gated inspect model.onnx");
            }
        });
        command.SetAction(parse =>
        {
            string file = parse.GetRequiredValue(path);
            var format = ModelFormats.Detect(file);
            ConvertCommand.CheckStateDictOptions(parse, format, head, nonlinearity, "MODEL");
            ConvertCommand.IsForecaster(file, format);
            var model = ModelFormats.Load(file, parse.GetChoice(head), parse.GetChoice(nonlinearity));
            var stdout = parse.InvocationConfiguration.Output;
            stdout.WriteLine($"File: {file}");
            stdout.WriteLine($"Format: {ModelFormats.DescribeOrigin(file)}");
            stdout.WriteLine($"Input: (samples, {string.Join(", ", model.InputShape)}) per sample");
            stdout.Write(model.Summary());
            return 0;
        });
        return command;
    }
}
