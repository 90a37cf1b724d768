"""Arguments several commands share: which model to load, and how to generate."""

from lab.generation import GenerationSettings
from lab.models import DEFAULT_MODEL, PRECISIONS


def add_model_args(parser) -> None:
    parser.add_argument("--model", default=DEFAULT_MODEL, help=f"registry name, local folder or hub id ({DEFAULT_MODEL})")
    parser.add_argument("--precision", default="fp32", help=f"one of {', '.join(PRECISIONS)} (fp32)")
    parser.add_argument("--quant-type", default="nf4", help="4-bit quantisation: nf4 or fp4 (nf4)")
    parser.add_argument("--trust-remote-code", action="store_true", help="run Python code shipped with the model")


def add_generation_args(parser, **overrides) -> None:
    defaults = GenerationSettings(**overrides)
    parser.add_argument("--max-new-tokens", type=int, default=defaults.max_new_tokens)
    parser.add_argument("--temperature", type=float, default=defaults.temperature, help="0 = greedy")
    parser.add_argument("--top-p", type=float, default=defaults.top_p)
    parser.add_argument("--top-k", type=int, default=defaults.top_k)
    parser.add_argument("--repetition-penalty", type=float, default=defaults.repetition_penalty)
    parser.add_argument("--seed", type=int, default=defaults.seed)


def generation_settings(args) -> GenerationSettings:
    return GenerationSettings(
        max_new_tokens=args.max_new_tokens,
        temperature=args.temperature,
        top_p=args.top_p,
        top_k=args.top_k,
        repetition_penalty=args.repetition_penalty,
        seed=args.seed,
    )


def load_from_args(args):
    from lab.models import load_model

    return load_model(args.model, args.precision, quant_type=args.quant_type, trust_remote_code=args.trust_remote_code)
